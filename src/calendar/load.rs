//! Finding calendar files by name or path and following `extends`.
//!
//! Calendars are read at run time, never compiled in as rules: publishing a new acuerdo de
//! días inhábiles is editing a file, not rebuilding arco. A name (`mx-jalisco`) is looked
//! up as `NAME.toml` in each search folder in turn; the calendars shipped in `holidays/`
//! are also embedded as a last resort, so the library works wherever it is installed.

use std::path::{Path, PathBuf};

use super::Calendar;
use super::error::CalendarError;
use super::spec::CalendarSpec;

/// The calendars shipped in `holidays/`, embedded for when no folder holds them.
const BUILTIN: &[(&str, &str)] = &[
    ("mx-jalisco", include_str!("../../holidays/mx-jalisco.toml")),
    (
        "ejemplo-organismo",
        include_str!("../../holidays/ejemplo-organismo.toml"),
    ),
];

/// Names of the calendars shipped with arco.
pub fn builtin_calendar_names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(n, _)| *n)
}

/// The most files one calendar may stack with `extends`.
const MAX_DEPTH: usize = 8;

/// Loads calendars by name or path.
#[derive(Debug, Clone)]
pub struct CalendarLoader {
    dirs: Vec<PathBuf>,
    builtin: bool,
}

impl Default for CalendarLoader {
    /// Searches, in order: each folder in `ARCO_HOLIDAYS_DIR` (separated like `PATH`),
    /// `./holidays`, the `holidays/` folder of the source tree arco was built from, and
    /// then the embedded copies of the shipped calendars.
    fn default() -> Self {
        let mut dirs = Vec::new();
        if let Some(v) = std::env::var_os("ARCO_HOLIDAYS_DIR") {
            dirs.extend(std::env::split_paths(&v));
        }
        dirs.push(PathBuf::from("holidays"));
        dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("holidays"));
        CalendarLoader {
            dirs,
            builtin: true,
        }
    }
}

/// Where a calendar's text came from: shown in errors and used to detect cycles.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    File(PathBuf),
    Builtin(&'static str),
}

impl Origin {
    fn label(&self) -> String {
        match self {
            Origin::File(p) => p.display().to_string(),
            Origin::Builtin(n) => format!("holidays/{n}.toml (incluido)"),
        }
    }
}

impl CalendarLoader {
    /// A loader that searches only `dirs`, without the embedded calendars.
    pub fn with_dirs(dirs: Vec<PathBuf>) -> Self {
        CalendarLoader {
            dirs,
            builtin: false,
        }
    }

    /// Loads a calendar by name (`mx-jalisco`) or path (`holidays/mx-jalisco.toml`,
    /// `./mi-organismo.toml`), with everything it `extends`.
    pub fn load(&self, name_or_path: &str) -> Result<Calendar, CalendarError> {
        Ok(self.load_with_files(name_or_path)?.0)
    }

    /// As [`CalendarLoader::load`], with the files it read (none for an embedded
    /// calendar), so a process that keeps it can tell when one of them changed.
    pub fn load_with_files(
        &self,
        name_or_path: &str,
    ) -> Result<(Calendar, Vec<PathBuf>), CalendarError> {
        let mut chain: Vec<(Origin, CalendarSpec)> = Vec::new();
        let mut next = Some((name_or_path.to_string(), None::<PathBuf>));
        while let Some((reference, relative_to)) = next.take() {
            let (origin, text) = self.find(&reference, relative_to.as_deref())?;
            let label = origin.label();
            if chain.iter().any(|(o, _)| *o == origin) {
                let mut names: Vec<String> = chain.iter().map(|(o, _)| o.label()).collect();
                names.push(label.clone());
                return Err(CalendarError::Cycle {
                    file: label,
                    chain: names.join(" → "),
                });
            }
            if chain.len() >= MAX_DEPTH {
                return Err(CalendarError::TooDeep {
                    file: label,
                    max: MAX_DEPTH,
                });
            }
            let spec = CalendarSpec::parse(&text, &label)?;
            let dir = match &origin {
                Origin::File(p) => p.parent().map(Path::to_path_buf),
                Origin::Builtin(_) => None,
            };
            next = spec.extends.clone().map(|e| (e, dir));
            chain.push((origin, spec));
        }
        chain.reverse();
        let files = chain
            .iter()
            .filter_map(|(o, _)| match o {
                Origin::File(p) => Some(p.clone()),
                Origin::Builtin(_) => None,
            })
            .collect();
        Ok((
            Calendar::from_chain(chain.into_iter().map(|(_, s)| s).collect())?,
            files,
        ))
    }

    fn find(
        &self,
        reference: &str,
        relative_to: Option<&Path>,
    ) -> Result<(Origin, String), CalendarError> {
        let looks_like_path = reference.contains('/')
            || reference.contains(std::path::MAIN_SEPARATOR)
            || reference.ends_with(".toml");
        let mut candidates: Vec<PathBuf> = Vec::new();
        if looks_like_path {
            let p = PathBuf::from(reference);
            if let (Some(base), true) = (relative_to, p.is_relative()) {
                candidates.push(base.join(&p));
            }
            candidates.push(p);
        } else {
            let file = format!("{reference}.toml");
            if let Some(base) = relative_to {
                candidates.push(base.join(&file));
            }
            candidates.extend(self.dirs.iter().map(|d| d.join(&file)));
        }
        for c in &candidates {
            if c.is_file() {
                let text = std::fs::read_to_string(c).map_err(|e| CalendarError::Io {
                    path: c.clone(),
                    message: e.to_string(),
                })?;
                let canonical = c.canonicalize().unwrap_or_else(|_| c.clone());
                return Ok((Origin::File(canonical), text));
            }
        }
        if self.builtin
            && !looks_like_path
            && let Some((n, text)) = BUILTIN.iter().find(|(n, _)| *n == reference)
        {
            return Ok((Origin::Builtin(n), (*text).to_string()));
        }
        if looks_like_path && candidates.len() == 1 {
            return Err(CalendarError::Io {
                path: candidates.remove(0),
                message: "el archivo no existe".to_string(),
            });
        }
        Err(CalendarError::NotFound {
            name: reference.to_string(),
            searched: candidates
                .iter()
                .map(|c| c.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}
