//! Who hears about which term, and when: thresholds, recipients, mail settings. Read from
//! a TOML file (`arco alerts --config FILE`, or `$ARCO_ALERTS_CONFIG`), with the SMTP URL
//! also from `$ARCO_SMTP_URL`.

use std::collections::BTreeMap;

use chrono::NaiveTime;
use serde::Deserialize;

use crate::rules::TermId;
use crate::tomlfile::{line_col, translate_toml_message};

/// The alert settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertConfig {
    /// Sender, e.g. `"Alertas arco <alertas@organismo.gob.mx>"`.
    #[serde(default = "default_from")]
    pub from: String,
    /// Base of the link to each case (`{base_url}/casos/{folio}`), if any.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Local time (America/Mexico_City) of the nightly run.
    #[serde(default = "default_time", deserialize_with = "de_time")]
    pub nightly_at: NaiveTime,
    /// Business days before the due date at which to warn (0: on the due day; -1: once
    /// overdue), per term id, with `default` for the rest.
    #[serde(default)]
    pub thresholds: BTreeMap<String, Vec<i32>>,
    #[serde(default)]
    pub recipients: Recipients,
    /// Alert the titular too, about their own terms (a prevention's reply, the appeal
    /// window), when they gave an address for it. Off by default.
    #[serde(default)]
    pub titular_alerts: bool,
    /// Staff accounts (as recorded on acts) and their addresses: the person in charge of a
    /// case (who filed it) hears about its Unidad de Transparencia terms.
    #[serde(default)]
    pub staff: BTreeMap<String, String>,
    /// Hours before a breach's notice instant (art. 40: 72 natural hours from the
    /// confirmation) at which to warn the body's UT: 72 is at confirmation, 0 when it
    /// falls due, -1 once overdue. Checked on every breach tick.
    #[serde(default = "default_breach_thresholds")]
    pub breach_thresholds_hours: Vec<i32>,
    /// Minutes between breach ticks (a divisor of 60; the hourly tick by default). Each
    /// tick is run once across every process on the database.
    #[serde(default = "default_breach_every")]
    pub breach_every_minutes: u32,
    /// Natural days between reminders to change an official account's passwords after a
    /// gestor left (`002_…`, Décima quinta; the policies set no period): the first the
    /// night after, then every this many days until the change is recorded (1 to 30).
    #[serde(default = "default_rotation_every")]
    pub rotation_every_days: u32,
    #[serde(default)]
    pub smtp: SmtpConfig,
}

/// Addresses by role, for every body (`default`) and per body.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipients {
    #[serde(default)]
    pub default: RoleAddresses,
    #[serde(default)]
    pub body: BTreeMap<String, RoleAddresses>,
}

/// Addresses for each role that answers for terms.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleAddresses {
    /// Unidad de Transparencia staff.
    #[serde(default)]
    pub unit: Vec<String>,
    /// Head of the Unidad de Transparencia.
    #[serde(default)]
    pub unit_head: Vec<String>,
    /// Secretary of the Comité de Transparencia.
    #[serde(default)]
    pub committee: Vec<String>,
    /// The guarantor's staff.
    #[serde(default)]
    pub guarantor: Vec<String>,
}

/// Mail server settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://...:465` (TLS), or
    /// `smtp://127.0.0.1:2525` (plain, local relays only). `$ARCO_SMTP_URL` wins.
    #[serde(default)]
    pub url: Option<String>,
    /// Attempts per message on temporary failures.
    #[serde(default = "default_attempts")]
    pub attempts: u32,
    /// First wait between attempts, doubled each time (milliseconds).
    #[serde(default = "default_backoff")]
    pub backoff_ms: u64,
    /// At most this many messages a second.
    #[serde(default = "default_rate")]
    pub per_second: f64,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            url: None,
            attempts: default_attempts(),
            backoff_ms: default_backoff(),
            per_second: default_rate(),
        }
    }
}

fn default_from() -> String {
    "arco <alertas@localhost>".into()
}
fn default_time() -> NaiveTime {
    NaiveTime::from_hms_opt(6, 0, 0).unwrap_or(NaiveTime::MIN)
}
fn default_breach_thresholds() -> Vec<i32> {
    DEFAULT_BREACH_THRESHOLDS.to_vec()
}
fn default_rotation_every() -> u32 {
    7
}

fn default_breach_every() -> u32 {
    60
}
fn default_attempts() -> u32 {
    4
}
fn default_backoff() -> u64 {
    1000
}
fn default_rate() -> f64 {
    5.0
}

fn de_time<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
    let s = String::deserialize(d)?;
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| serde::de::Error::custom(format!("hora inválida «{s}»; se esperaba HH:MM")))
}

/// Default thresholds: 3 and 1 business days before, the due day, and overdue.
pub const DEFAULT_THRESHOLDS: &[i32] = &[3, 1, 0, -1];

/// Default breach thresholds, in hours before the notice instant: at confirmation (72),
/// a day, six hours and one hour before, and overdue.
pub const DEFAULT_BREACH_THRESHOLDS: &[i32] = &[72, 24, 6, 1, -1];

impl Default for AlertConfig {
    fn default() -> Self {
        AlertConfig {
            from: default_from(),
            base_url: None,
            nightly_at: default_time(),
            thresholds: BTreeMap::new(),
            recipients: Recipients::default(),
            titular_alerts: false,
            staff: BTreeMap::new(),
            breach_thresholds_hours: default_breach_thresholds(),
            breach_every_minutes: default_breach_every(),
            rotation_every_days: default_rotation_every(),
            smtp: SmtpConfig::default(),
        }
    }
}

impl AlertConfig {
    /// Parses and checks a configuration file; errors name the file and line, in Spanish.
    pub fn parse(text: &str, file: &str) -> Result<AlertConfig, String> {
        let c: AlertConfig = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            format!(
                "{file}:{line}:{col}: {}",
                translate_toml_message(e.message())
            )
        })?;
        for (term, list) in &c.thresholds {
            if term != "default" && term.parse::<TermId>().is_err() {
                return Err(format!("{file}: [thresholds] plazo desconocido «{term}»"));
            }
            if list.is_empty() || list.iter().any(|t| !(-1..=30).contains(t)) {
                return Err(format!(
                    "{file}: [thresholds] {term}: se esperaba una lista de días de -1 (vencido) a 30"
                ));
            }
        }
        if c.breach_thresholds_hours.is_empty()
            || c.breach_thresholds_hours
                .iter()
                .any(|t| !(-1..=72).contains(t))
        {
            return Err(format!(
                "{file}: breach_thresholds_hours: se esperaba una lista de horas de -1 (vencido) a 72"
            ));
        }
        if !(1..=60).contains(&c.breach_every_minutes) || 60 % c.breach_every_minutes != 0 {
            return Err(format!(
                "{file}: breach_every_minutes: se esperaba un divisor de 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 o 60), no {}",
                c.breach_every_minutes
            ));
        }
        if !(1..=30).contains(&c.rotation_every_days) {
            return Err(format!(
                "{file}: rotation_every_days: se esperaba un número de días de 1 a 30, no {}",
                c.rotation_every_days
            ));
        }
        if c.smtp.per_second.is_nan() || c.smtp.per_second <= 0.0 {
            return Err(format!("{file}: [smtp] per_second debe ser mayor que 0"));
        }
        Ok(c)
    }

    /// The thresholds of a term, most distant first.
    pub fn thresholds_for(&self, term: TermId) -> Vec<i32> {
        let mut t = self
            .thresholds
            .get(term.as_str())
            .or_else(|| self.thresholds.get("default"))
            .cloned()
            .unwrap_or_else(|| DEFAULT_THRESHOLDS.to_vec());
        t.sort_unstable_by(|a, b| b.cmp(a));
        t.dedup();
        t
    }

    /// The breach thresholds, most distant first.
    pub fn breach_thresholds(&self) -> Vec<i32> {
        let mut t = self.breach_thresholds_hours.clone();
        t.sort_unstable_by(|a, b| b.cmp(a));
        t.dedup();
        t
    }

    /// The addresses of a body's roles: its own list for a role, else the default one.
    pub fn addresses(&self, body: &str) -> RoleAddresses {
        let d = &self.recipients.default;
        let Some(b) = self.recipients.body.get(body) else {
            return d.clone();
        };
        let pick = |own: &Vec<String>, def: &Vec<String>| {
            if own.is_empty() {
                def.clone()
            } else {
                own.clone()
            }
        };
        RoleAddresses {
            unit: pick(&b.unit, &d.unit),
            unit_head: pick(&b.unit_head, &d.unit_head),
            committee: pick(&b.committee, &d.committee),
            guarantor: pick(&b.guarantor, &d.guarantor),
        }
    }
}
