//! The law's terms as data.
//!
//! A [`Rulebook`] lists every time limit of a law: its id, its days, what it counts from,
//! who must act and the article. Laws change (the federal law was replaced in 2025,
//! Jalisco's guarantor was dissolved), so a rulebook is a TOML file with an effective
//! date, and a case keeps the rulebook in force on the day it was filed (`terms.md`,
//! counting rule 7): a reform is a new file in `rulebooks/`, not a code change.

mod term;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use toml::Spanned;

use crate::calendar::Count;
use crate::tomlfile::{line_col, translate_toml_message};

pub use term::{Actor, Basis, CalendarRole, Event, Procedure, TermId, Unit};

/// One time limit of a rulebook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    pub id: TermId,
    /// Short Spanish name, as staff read it.
    pub name: String,
    pub procedure: Procedure,
    pub actor: Actor,
    /// Days (or hours, see `unit`) of the term; for a term an act sets (`max_days`), the
    /// default.
    pub days: u32,
    /// Business days (the default), natural hours (due at an instant) or calendar days.
    pub unit: Unit,
    /// For a term whose length an act sets (compliance: "at most 10 days"), the most it
    /// may be.
    pub max_days: Option<u32>,
    /// Days a single extension adds after the original due date (art. 110.1: +10).
    pub extension_days: Option<u32>,
    /// What the term counts from.
    pub from: Basis,
    /// Other bases the procedure uses instead of `from` in the cases the law names (a
    /// prevention answered, a request never admitted...).
    pub alt_from: Vec<Basis>,
    /// Whether the term runs backwards from its basis (art. 80: 30 days before go-live).
    pub before: bool,
    pub calendar: CalendarRole,
    /// Article of the law, e.g. `52.1`.
    pub article: String,
    pub note: Option<String>,
}

impl Term {
    /// The term's length in its unit, as a calendar counts it.
    pub fn count(&self) -> Count {
        self.count_with(self.days)
    }

    /// `n` of the term's unit (a length an act set, or with an extension's days added).
    pub fn count_with(&self, n: u32) -> Count {
        match self.unit {
            Unit::BusinessDays => Count::BusinessDays(n),
            Unit::CalendarDays => Count::CalendarDays(n),
            Unit::Hours => Count::Hours(n),
        }
    }
}

/// A set of terms in force from a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rulebook {
    pub id: String,
    pub title: String,
    /// The law's short name, e.g. `LPDPPSOJ`.
    pub law: String,
    pub jurisdiction: String,
    pub effective_from: NaiveDate,
    pub effective_until: Option<NaiveDate>,
    pub terms: Vec<Term>,
    #[serde(skip)]
    index: HashMap<TermId, usize>,
}

/// A rulebook that cannot be used. Messages are in Spanish and name the file and line.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum RulebookError {
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: faltan plazos que los procedimientos necesitan: {missing}")]
    MissingTerms { file: String, missing: String },
    #[error("{}: no se pudo leer: {message}", path.display())]
    Io { path: PathBuf, message: String },
    #[error(
        "los reglamentos «{a}» y «{b}» de la jurisdicción «{jurisdiction}» están en vigor en las mismas fechas"
    )]
    Overlap {
        jurisdiction: String,
        a: String,
        b: String,
    },
    #[error("el reglamento «{a}» está dos veces ({b})")]
    DuplicateRulebook { a: String, b: String },
    #[error("no hay reglamento «{0}»")]
    UnknownRulebook(String),
    #[error("no hay reglamento de la jurisdicción «{jurisdiction}» en vigor el {date}")]
    NoneInForce {
        jurisdiction: String,
        date: NaiveDate,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRulebook {
    id: Spanned<String>,
    title: Spanned<String>,
    law: Spanned<String>,
    jurisdiction: Spanned<String>,
    effective_from: Spanned<DateText>,
    effective_until: Option<Spanned<DateText>>,
    #[serde(default)]
    term: Vec<Spanned<RawTerm>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DateText {
    Text(String),
    Toml(toml::value::Datetime),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    id: Spanned<String>,
    name: Spanned<String>,
    actor: Spanned<String>,
    days: Spanned<i64>,
    #[serde(default)]
    unit: Option<Spanned<String>>,
    max_days: Option<Spanned<i64>>,
    extension_days: Option<Spanned<i64>>,
    from: Spanned<String>,
    #[serde(default)]
    alt_from: Vec<Spanned<String>>,
    #[serde(default)]
    before: bool,
    calendar: Spanned<String>,
    article: Spanned<String>,
    note: Option<String>,
}

struct Ctx<'a> {
    text: &'a str,
    file: &'a str,
}

impl Ctx<'_> {
    fn err<T>(&self, span: std::ops::Range<usize>, message: String) -> Result<T, RulebookError> {
        let (line, column) = line_col(self.text, span.start);
        Err(RulebookError::Invalid {
            file: self.file.to_string(),
            line,
            column,
            message,
        })
    }

    fn parse_named<T: std::str::FromStr>(
        &self,
        s: Spanned<String>,
        what: &str,
        all: &[T],
        show: fn(&T) -> &'static str,
    ) -> Result<T, RulebookError> {
        let span = s.span();
        let v = s.into_inner();
        match v.trim().parse::<T>() {
            Ok(x) => Ok(x),
            Err(_) => self.err(
                span,
                format!(
                    "{what} desconocido «{v}»; se esperaba uno de: {}",
                    all.iter().map(show).collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }

    fn date(&self, d: Spanned<DateText>, what: &str) -> Result<NaiveDate, RulebookError> {
        let span = d.span();
        let t = match d.into_inner() {
            DateText::Text(t) => t,
            DateText::Toml(t) => t.to_string(),
        };
        match NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d") {
            Ok(d) => Ok(d),
            Err(_) => self.err(
                span,
                format!("{what}: fecha inválida «{t}»; se esperaba AAAA-MM-DD"),
            ),
        }
    }

    fn days(&self, d: Spanned<i64>, what: &str, min: i64) -> Result<u32, RulebookError> {
        let span = d.span();
        let v = *d.get_ref();
        if !(min..=3650).contains(&v) {
            return self.err(
                span,
                format!("{what} = {v}: se esperaba un número de {min} a 3650"),
            );
        }
        Ok(v as u32)
    }

    fn basis(&self, s: Spanned<String>) -> Result<(Basis, std::ops::Range<usize>), RulebookError> {
        let span = s.span();
        let v = s.into_inner();
        match v.trim().parse::<Basis>() {
            Ok(b) => Ok((b, span)),
            Err(_) => self.err(
                span,
                format!(
                    "base de cómputo desconocida «{v}»; se esperaba un acto ({}) o end:PLAZO",
                    Event::ALL
                        .iter()
                        .map(|e| e.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
    }
}

impl Rulebook {
    /// Parses and checks a rulebook file: unknown term ids, duplicate terms, bases that
    /// name no act or no term of the rulebook, missing terms the procedures need, and
    /// terms that count from their own end.
    pub fn parse(text: &str, file: &str) -> Result<Rulebook, RulebookError> {
        let raw: RawRulebook = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            RulebookError::Invalid {
                file: file.to_string(),
                line,
                column,
                message: translate_toml_message(e.message()),
            }
        })?;
        let cx = Ctx { text, file };
        let nonempty = |s: Spanned<String>, what: &str| -> Result<String, RulebookError> {
            let span = s.span();
            let v = s.into_inner();
            if v.trim().is_empty() {
                return cx.err(span, format!("{what} no puede estar vacío"));
            }
            Ok(v)
        };
        let id = nonempty(raw.id, "id")?;
        let title = nonempty(raw.title, "title")?;
        let law = nonempty(raw.law, "law")?;
        let jurisdiction = nonempty(raw.jurisdiction, "jurisdiction")?;
        let effective_from = cx.date(raw.effective_from, "effective_from")?;
        let effective_until = match raw.effective_until {
            None => None,
            Some(u) => {
                let span = u.span();
                let d = cx.date(u, "effective_until")?;
                if d < effective_from {
                    return cx.err(
                        span,
                        format!(
                            "effective_until ({d}) es anterior a effective_from ({effective_from})"
                        ),
                    );
                }
                Some(d)
            }
        };

        let mut terms: Vec<Term> = Vec::with_capacity(raw.term.len());
        let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
        let mut bases: Vec<Vec<(Basis, std::ops::Range<usize>)>> = Vec::new();
        let mut index: HashMap<TermId, usize> = HashMap::new();
        for t in raw.term {
            let tspan = t.span();
            let t = t.into_inner();
            let id_span = t.id.span();
            let id_text = t.id.get_ref().clone();
            let tid: TermId = cx.parse_named(t.id, "plazo", TermId::ALL, |x| x.as_str())?;
            if let Some(&prev) = index.get(&tid) {
                let (pl, _) = line_col(text, spans[prev].start);
                return cx.err(
                    id_span,
                    format!("el plazo «{id_text}» está repetido (ya definido en la línea {pl})"),
                );
            }
            let actor: Actor = cx.parse_named(t.actor, "actor", Actor::ALL, |x| x.as_str())?;
            let calendar: CalendarRole =
                cx.parse_named(t.calendar, "calendar", CalendarRole::ALL, |x| x.as_str())?;
            let unit = match t.unit {
                None => Unit::BusinessDays,
                Some(u) => cx.parse_named(u, "unit", Unit::ALL, |x| x.as_str())?,
            };
            let days = cx.days(t.days, "days", 1)?;
            let max_days = t.max_days.map(|m| cx.days(m, "max_days", 1)).transpose()?;
            if let Some(m) = max_days
                && m < days
            {
                return cx.err(
                    tspan,
                    format!("«{id_text}»: max_days ({m}) es menor que days ({days})"),
                );
            }
            let extension_days = t
                .extension_days
                .map(|m| cx.days(m, "extension_days", 1))
                .transpose()?;
            let mut tb = vec![cx.basis(t.from)?];
            for a in t.alt_from {
                tb.push(cx.basis(a)?);
            }
            // A term in hours runs from the instant of an act and falls due at an instant:
            // what only a term in days has (a maximum an act sets, an extension added after
            // the due date, a count backwards, the end of another term as day 0) is refused.
            if unit == Unit::Hours {
                let what = if max_days.is_some() {
                    Some("max_days")
                } else if extension_days.is_some() {
                    Some("extension_days")
                } else if t.before {
                    Some("before")
                } else {
                    None
                };
                if let Some(what) = what {
                    return cx.err(
                        tspan,
                        format!(
                            "«{id_text}»: un plazo en horas (unit = \"hours\") no admite {what}: corre desde el instante de un acto y vence en un instante"
                        ),
                    );
                }
                if let Some((b, span)) = tb.iter().find(|(b, _)| matches!(b, Basis::EndOf(_))) {
                    return cx.err(
                        span.clone(),
                        format!(
                            "«{id_text}»: un plazo en horas corre desde el instante de un acto, no desde el fin de otro plazo («{b}»)"
                        ),
                    );
                }
            }
            let name = nonempty(t.name, "name")?;
            let article = nonempty(t.article, "article")?;
            index.insert(tid, terms.len());
            spans.push(id_span);
            terms.push(Term {
                id: tid,
                name,
                procedure: tid.procedure(),
                actor,
                days,
                unit,
                max_days,
                extension_days,
                from: tb[0].0,
                alt_from: tb[1..].iter().map(|(b, _)| *b).collect(),
                before: t.before,
                calendar,
                article,
                note: t.note,
            });
            bases.push(tb);
        }

        // Bases that name a term must name one of this rulebook, and never loop back.
        for (i, tb) in bases.iter().enumerate() {
            for (b, span) in tb {
                if let Basis::EndOf(other) = b {
                    if !index.contains_key(other) {
                        return cx.err(
                            span.clone(),
                            format!(
                                "«{}» cuenta desde el fin de «{other}», que no está en este reglamento",
                                terms[i].id
                            ),
                        );
                    }
                    if terms[index[other]].unit == Unit::Hours {
                        return cx.err(
                            span.clone(),
                            format!(
                                "«{}» cuenta desde el fin de «{other}», un plazo en horas que vence en un instante y no en un día",
                                terms[i].id
                            ),
                        );
                    }
                    let mut seen = vec![terms[i].id];
                    let mut cur = *other;
                    while let Some(&j) = index.get(&cur) {
                        if seen.contains(&cur) {
                            return cx.err(
                                span.clone(),
                                format!(
                                    "«{}» cuenta desde su propio fin (ciclo: {})",
                                    terms[i].id,
                                    seen.iter()
                                        .map(|t| t.as_str())
                                        .collect::<Vec<_>>()
                                        .join(" → ")
                                ),
                            );
                        }
                        seen.push(cur);
                        match terms[j].from {
                            Basis::EndOf(n) => cur = n,
                            Basis::Event(_) => break,
                        }
                    }
                }
            }
        }

        let missing: Vec<&str> = TermId::ALL
            .iter()
            .filter(|t| t.is_required() && !index.contains_key(t))
            .map(|t| t.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(RulebookError::MissingTerms {
                file: file.to_string(),
                missing: missing.join(", "),
            });
        }

        Ok(Rulebook {
            id,
            title,
            law,
            jurisdiction,
            effective_from,
            effective_until,
            terms,
            index,
        })
    }

    /// The term with this id. Every term the procedures need is present (checked on load).
    pub fn term(&self, id: TermId) -> Option<&Term> {
        self.index.get(&id).map(|&i| &self.terms[i])
    }

    /// Whether the rulebook is in force on `date`.
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        date >= self.effective_from && self.effective_until.is_none_or(|u| date <= u)
    }
}

/// The rulebooks shipped in `rulebooks/`, embedded for when no folder holds them.
const BUILTIN: &[(&str, &str)] = &[(
    "lpdppsoj-2017",
    include_str!("../../rulebooks/lpdppsoj-2017.toml"),
)];

/// Every known rulebook, to pick the one in force for a case.
#[derive(Debug, Clone)]
pub struct Rulebooks {
    books: Vec<Rulebook>,
}

impl Rulebooks {
    /// The rulebooks shipped with arco (embedded at build time).
    pub fn builtin() -> Result<Rulebooks, RulebookError> {
        Rulebooks::from_books(
            BUILTIN
                .iter()
                .map(|(n, t)| Rulebook::parse(t, &format!("rulebooks/{n}.toml")))
                .collect::<Result<_, _>>()?,
        )
    }

    /// Every `*.toml` in `dir`.
    pub fn load_dir(dir: &Path) -> Result<Rulebooks, RulebookError> {
        let io = |e: std::io::Error| RulebookError::Io {
            path: dir.to_path_buf(),
            message: e.to_string(),
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let mut books = Vec::new();
        for p in paths {
            let text = std::fs::read_to_string(&p).map_err(|e| RulebookError::Io {
                path: p.clone(),
                message: e.to_string(),
            })?;
            books.push(Rulebook::parse(&text, &p.display().to_string())?);
        }
        Rulebooks::from_books(books)
    }

    /// The rulebooks of `ARCO_RULEBOOKS_DIR`, else of `./rulebooks`, else of the source
    /// tree arco was built from, else the embedded ones.
    pub fn load_default() -> Result<Rulebooks, RulebookError> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        if let Some(v) = std::env::var_os("ARCO_RULEBOOKS_DIR") {
            dirs.extend(std::env::split_paths(&v));
        }
        dirs.push(PathBuf::from("rulebooks"));
        dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("rulebooks"));
        match dirs.iter().find(|d| d.is_dir()) {
            Some(d) => Rulebooks::load_dir(d),
            None => Rulebooks::builtin(),
        }
    }

    /// A set from rulebooks already parsed; refuses two with the same id, or two of one
    /// jurisdiction in force on the same day.
    pub fn from_books(books: Vec<Rulebook>) -> Result<Rulebooks, RulebookError> {
        for (i, a) in books.iter().enumerate() {
            for b in &books[i + 1..] {
                if a.id == b.id {
                    return Err(RulebookError::DuplicateRulebook {
                        a: a.id.clone(),
                        b: b.title.clone(),
                    });
                }
                let overlap = a.jurisdiction == b.jurisdiction
                    && a.effective_until.is_none_or(|u| u >= b.effective_from)
                    && b.effective_until.is_none_or(|u| u >= a.effective_from);
                if overlap {
                    return Err(RulebookError::Overlap {
                        jurisdiction: a.jurisdiction.clone(),
                        a: a.id.clone(),
                        b: b.id.clone(),
                    });
                }
            }
        }
        Ok(Rulebooks { books })
    }

    /// All rulebooks, in the order loaded.
    pub fn all(&self) -> &[Rulebook] {
        &self.books
    }

    /// The rulebook with this id.
    pub fn get(&self, id: &str) -> Result<&Rulebook, RulebookError> {
        self.books
            .iter()
            .find(|b| b.id == id)
            .ok_or_else(|| RulebookError::UnknownRulebook(id.to_string()))
    }

    /// Counting rule 7: the rulebook of `jurisdiction` in force on `filed`.
    pub fn in_force(
        &self,
        jurisdiction: &str,
        filed: NaiveDate,
    ) -> Result<&Rulebook, RulebookError> {
        self.books
            .iter()
            .find(|b| b.jurisdiction == jurisdiction && b.in_force_on(filed))
            .ok_or_else(|| RulebookError::NoneInForce {
                jurisdiction: jurisdiction.to_string(),
                date: filed,
            })
    }
}
