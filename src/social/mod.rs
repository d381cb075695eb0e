//! The register of a body's accounts on social networks (issue 18): the *directorio de
//! redes sociales digitales* of the national policies (`shared/seeds/002_…`, Segunda IV,
//! Décima, Décima primera) that a Unidad de Transparencia keeps.
//!
//! - An account is **official** (Segunda II, Séptima A) or the **personal account of a
//!   servant** who publishes about their office (Segunda III, Quinta, Séptima B): the head
//!   of the body and up to four levels below (Quinta). A personal account that an área of
//!   the body runs counts as official while the servant holds the office (Décima novena):
//!   the register records that period.
//! - Each account has its **gestores** (Segunda V, Décima segunda): a servant with their
//!   position, or an external provider. The register **never holds passwords**; it records
//!   when they were rotated, and a gestor's departure leaves a rotation owed (Décima
//!   quinta) until the rotation is recorded.
//! - Its **verification** by the platform (Décima cuarta).
//! - An account **taken over** by someone else is linked to the breach case it opened
//!   (`shared/seeds/003_…`, considerando 16.XXXI; the law, arts. 38–40).
//!
//! Every change is a typed [`Change`] recorded with who and when, in the account's own
//! history; the [`Account`] is rebuilt from it. The register holds no data of titulares. The
//! gestores' names are those of people acting for the body, which the policies recommend
//! publishing (Décima segunda).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::breach::category;
use crate::case::Actor;

category! {
    /// The network the account is on.
    Platform {
        Facebook = "facebook", "Facebook";
        X = "x", "X (Twitter)";
        Instagram = "instagram", "Instagram";
        YouTube = "youtube", "YouTube";
        TikTok = "tiktok", "TikTok";
        Threads = "threads", "Threads";
        LinkedIn = "linkedin", "LinkedIn";
        WhatsApp = "whatsapp", "WhatsApp (canal)";
        Telegram = "telegram", "Telegram (canal)";
        Other = "other", "otra red";
    }
}

category! {
    /// The kind of account (Séptima).
    AccountKind {
        /// Séptima A, Segunda II.
        Official = "official", "cuenta oficial";
        /// Séptima B, Segunda III, Quinta.
        ServantPersonal = "servant_personal", "cuenta personal de servidor público";
    }
}

category! {
    /// The servant's level: the head of the body and up to four levels below (Quinta).
    ServantLevel {
        Head = "head", "titular del sujeto obligado";
        Level1 = "level_1", "un nivel debajo del titular";
        Level2 = "level_2", "dos niveles debajo del titular";
        Level3 = "level_3", "tres niveles debajo del titular";
        Level4 = "level_4", "cuatro niveles debajo del titular";
    }
}

category! {
    /// Who a gestor is (Décima segunda).
    GestorKind {
        Servant = "servant", "servidor público";
        External = "external", "prestador de servicios externo";
    }
}

category! {
    /// What was done to a post a titular asked about (`000_…`, Quinto: correct or remove
    /// the data, photos, audio or video published).
    PostAction {
        Edited = "edited", "publicación corregida";
        Removed = "removed", "publicación eliminada";
        MediaRemoved = "media_removed", "fotografía, audio o video retirado";
        Blocked = "blocked", "publicación bloqueada (oculta al público)";
    }
}

category! {
    /// The platform's verification of the account (Décima cuarta).
    Verification {
        Unverified = "unverified", "sin verificar";
        Requested = "requested", "verificación solicitada";
        Verified = "verified", "verificada";
    }
}

/// One change to an account, as entered and kept in its history. Unknown fields are
/// refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// The account enters the register.
    Registered {
        platform: Platform,
        handle: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        kind: AccountKind,
        /// For a servant's personal account (Quinta).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        servant_level: Option<ServantLevel>,
        /// The área that owns (or, for a personal account, works with) it.
        area: String,
        #[serde(default = "unverified")]
        verification: Verification,
    },
    /// The address, the área or the verification changed.
    Edited {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        area: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        verification: Option<Verification>,
    },
    /// An área runs a servant's personal account from `from` (to `to`, the end of the
    /// office, when known): official for that period (Décima novena).
    RunByArea {
        from: NaiveDate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<NaiveDate>,
    },
    /// A gestor starts administering the account (Segunda V, Décima segunda).
    GestorAdded {
        name: String,
        kind: GestorKind,
        /// The servant's position, or the provider's firm.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        position: Option<String>,
        /// Where the account's alerts reach the gestor: the fulfilment of a request
        /// about one of its posts, and the reminder to change the passwords when another
        /// gestor leaves (Décima quinta). Kept with the name, apart from the history.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email: Option<String>,
    },
    /// A gestor stops: the passwords they knew must be changed (Décima quinta).
    GestorLeft { gestor: u32 },
    /// The passwords were changed (the register never holds them). A struct variant, so
    /// that a field given with it (a password, say) is refused, not dropped.
    PasswordsRotated {},
    /// Someone else took the account over: the breach case opened for it (arts. 38–40;
    /// `003_…`, considerando 16.XXXI).
    Compromised { breach: String },
    /// The account is no longer used by the body.
    Retired {},
}

fn unverified() -> Verification {
    Verification::Unverified
}

impl Change {
    /// The change's wire name.
    pub fn name(&self) -> &'static str {
        match self {
            Change::Registered { .. } => "registered",
            Change::Edited { .. } => "edited",
            Change::RunByArea { .. } => "run_by_area",
            Change::GestorAdded { .. } => "gestor_added",
            Change::GestorLeft { .. } => "gestor_left",
            Change::PasswordsRotated {} => "passwords_rotated",
            Change::Compromised { .. } => "compromised",
            Change::Retired {} => "retired",
        }
    }

    /// What the change is, in Spanish, as the register's pages name it.
    pub fn label_es(&self) -> &'static str {
        ChangeKind::of(self).label_es()
    }
}

category! {
    /// The kinds of [`Change`], by their wire names: what a page offers a form for and how
    /// the history names each change.
    ChangeKind {
        Registered = "registered", "alta en el registro";
        Edited = "edited", "cambio de dirección, área o verificación";
        /// Décima novena.
        RunByArea = "run_by_area", "administrada por un área (Décima novena)";
        /// Segunda V, Décima segunda.
        GestorAdded = "gestor_added", "nuevo gestor (Décima segunda)";
        /// Décima quinta.
        GestorLeft = "gestor_left", "un gestor dejó la cuenta (Décima quinta)";
        /// Décima quinta.
        PasswordsRotated = "passwords_rotated", "cambio de contraseñas (Décima quinta)";
        /// Arts. 38–40; `003_…`, considerando 16.XXXI.
        Compromised = "compromised", "cuenta comprometida (vulneración)";
        Retired = "retired", "baja de la cuenta";
    }
}

impl ChangeKind {
    /// The kind of a change.
    pub fn of(change: &Change) -> ChangeKind {
        match change {
            Change::Registered { .. } => ChangeKind::Registered,
            Change::Edited { .. } => ChangeKind::Edited,
            Change::RunByArea { .. } => ChangeKind::RunByArea,
            Change::GestorAdded { .. } => ChangeKind::GestorAdded,
            Change::GestorLeft { .. } => ChangeKind::GestorLeft,
            Change::PasswordsRotated {} => ChangeKind::PasswordsRotated,
            Change::Compromised { .. } => ChangeKind::Compromised,
            Change::Retired {} => ChangeKind::Retired,
        }
    }
}

/// What a gestor's name reads once erased (their position and address go with it).
pub const ERASED_NAME: &str = "(nombre suprimido)";

/// A person who administers the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gestor {
    /// Its number in the account (1, 2, …), never reused.
    pub id: u32,
    pub name: String,
    pub kind: GestorKind,
    pub position: Option<String>,
    pub since: NaiveDate,
    pub left_on: Option<NaiveDate>,
}

/// The period an área runs a personal account (Décima novena).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// One change as it entered the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedChange {
    pub seq: u32,
    pub change: Change,
    pub on: NaiveDate,
    pub actor: Actor,
}

/// An account of the register, rebuilt from its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub platform: Platform,
    pub handle: String,
    pub url: Option<String>,
    pub kind: AccountKind,
    pub servant_level: Option<ServantLevel>,
    pub area: String,
    pub verification: Verification,
    pub run_by_area: Option<Period>,
    pub gestores: Vec<Gestor>,
    pub registered_on: NaiveDate,
    pub rotated_on: Option<NaiveDate>,
    /// A gestor left on this date and the passwords have not been changed since.
    pub rotation_owed_since: Option<NaiveDate>,
    /// The breach cases opened for a takeover.
    pub breaches: Vec<String>,
    pub retired_on: Option<NaiveDate>,
    pub changes: Vec<RecordedChange>,
}

/// A change the register refuses, naming what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SocialError {
    #[error("el primer cambio de una cuenta es su registro («registered»), no «{0}»")]
    NotRegistered(&'static str),
    #[error("la cuenta ya está registrada; «registered» solo va una vez")]
    AlreadyRegistered,
    #[error("la cuenta se dio de baja el {0}: no admite más cambios")]
    Retired(NaiveDate),
    #[error("campo «{field}»: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("no hay gestor {0} en esta cuenta")]
    UnknownGestor(u32),
    #[error("el gestor {0} ya dejó la cuenta el {1}")]
    GestorAlreadyLeft(u32, NaiveDate),
    #[error(
        "solo una cuenta personal de servidor público puede ser administrada por un área (Décima novena)"
    )]
    NotPersonal,
    #[error("el cambio tiene fecha {on}, anterior al último cambio de la cuenta ({last})")]
    OutOfOrder { on: NaiveDate, last: NaiveDate },
}

fn text(field: &'static str, v: &str, max: usize) -> Result<String, SocialError> {
    let v = v.trim();
    if v.is_empty() {
        return Err(SocialError::Invalid {
            field,
            message: "no puede quedar vacío".into(),
        });
    }
    if v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(SocialError::Invalid {
            field,
            message: format!("a lo más {max} caracteres, sin saltos de línea"),
        });
    }
    Ok(v.to_string())
}

fn url(v: &Option<String>) -> Result<Option<String>, SocialError> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(u) if (u.starts_with("https://") || u.starts_with("http://")) && u.len() <= 500 => {
            text("url", u, 500).map(Some)
        }
        Some(_) => Err(SocialError::Invalid {
            field: "url",
            message: "se esperaba una dirección que empiece por https://".into(),
        }),
    }
}

impl Account {
    /// The account as its registration makes it.
    pub fn register(change: Change, on: NaiveDate, actor: &Actor) -> Result<Account, SocialError> {
        let Change::Registered {
            platform,
            handle,
            url: address,
            kind,
            servant_level,
            area,
            verification,
        } = &change
        else {
            return Err(SocialError::NotRegistered(change.name()));
        };
        let handle = text("handle", handle, 100)?;
        if handle.contains(char::is_whitespace) {
            return Err(SocialError::Invalid {
                field: "handle",
                message: "el nombre de la cuenta no lleva espacios".into(),
            });
        }
        match (kind, servant_level) {
            (AccountKind::ServantPersonal, None) => {
                return Err(SocialError::Invalid {
                    field: "servant_level",
                    message: "una cuenta personal de servidor público dice su nivel: del titular a cuatro niveles debajo (Quinta)".into(),
                });
            }
            (AccountKind::Official, Some(_)) => {
                return Err(SocialError::Invalid {
                    field: "servant_level",
                    message: "solo una cuenta personal de servidor público tiene nivel".into(),
                });
            }
            _ => {}
        }
        let address = url(address)?;
        let area = text("area", area, 200)?;
        let clean = Change::Registered {
            platform: *platform,
            handle: handle.clone(),
            url: address.clone(),
            kind: *kind,
            servant_level: *servant_level,
            area: area.clone(),
            verification: *verification,
        };
        Ok(Account {
            platform: *platform,
            handle,
            url: address,
            kind: *kind,
            servant_level: *servant_level,
            area,
            verification: *verification,
            run_by_area: None,
            gestores: Vec::new(),
            registered_on: on,
            rotated_on: None,
            rotation_owed_since: None,
            breaches: Vec::new(),
            retired_on: None,
            changes: vec![RecordedChange {
                seq: 1,
                change: clean,
                on,
                actor: actor.clone(),
            }],
        })
    }

    /// Applies one more change made on `on`; on error nothing changes. Returns the change
    /// as kept (its texts trimmed).
    pub fn apply(
        &mut self,
        change: Change,
        on: NaiveDate,
        actor: &Actor,
    ) -> Result<&RecordedChange, SocialError> {
        if let Some(r) = self.retired_on {
            return Err(SocialError::Retired(r));
        }
        let last = self.changes.last().map_or(self.registered_on, |c| c.on);
        if on < last {
            return Err(SocialError::OutOfOrder { on, last });
        }
        let kept = match change {
            Change::Registered { .. } => return Err(SocialError::AlreadyRegistered),
            Change::Edited {
                url: address,
                area,
                verification,
            } => {
                let address = url(&address)?;
                let area = area.map(|a| text("area", &a, 200)).transpose()?;
                if let Some(u) = &address {
                    self.url = Some(u.clone());
                }
                if let Some(a) = &area {
                    self.area = a.clone();
                }
                if let Some(v) = verification {
                    self.verification = v;
                }
                Change::Edited {
                    url: address,
                    area,
                    verification,
                }
            }
            Change::RunByArea { from, to } => {
                if self.kind != AccountKind::ServantPersonal {
                    return Err(SocialError::NotPersonal);
                }
                if to.is_some_and(|t| t < from) {
                    return Err(SocialError::Invalid {
                        field: "to",
                        message: format!("el periodo termina antes de empezar ({from})"),
                    });
                }
                self.run_by_area = Some(Period { from, to });
                Change::RunByArea { from, to }
            }
            Change::GestorAdded {
                name,
                kind,
                position,
                email: _,
            } => {
                let name = text("name", &name, 200)?;
                let position = position
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| text("position", &p, 200))
                    .transpose()?;
                let id = self.gestores.iter().map(|g| g.id).max().unwrap_or(0) + 1;
                self.gestores.push(Gestor {
                    id,
                    name: name.clone(),
                    kind,
                    position: position.clone(),
                    since: on,
                    left_on: None,
                });
                // The address is a person's contact: never part of the account nor of
                // its history; the service keeps it apart, with the name.
                Change::GestorAdded {
                    name,
                    kind,
                    position,
                    email: None,
                }
            }
            Change::GestorLeft { gestor } => {
                let g = self
                    .gestores
                    .iter_mut()
                    .find(|g| g.id == gestor)
                    .ok_or(SocialError::UnknownGestor(gestor))?;
                if let Some(left) = g.left_on {
                    return Err(SocialError::GestorAlreadyLeft(gestor, left));
                }
                g.left_on = Some(on);
                self.rotation_owed_since.get_or_insert(on);
                Change::GestorLeft { gestor }
            }
            Change::PasswordsRotated {} => {
                self.rotated_on = Some(on);
                self.rotation_owed_since = None;
                Change::PasswordsRotated {}
            }
            Change::Compromised { breach } => {
                let breach = text("breach", &breach, 60)?;
                self.breaches.push(breach.clone());
                Change::Compromised { breach }
            }
            Change::Retired {} => {
                self.retired_on = Some(on);
                Change::Retired {}
            }
        };
        let seq = self.changes.len() as u32 + 1;
        self.changes.push(RecordedChange {
            seq,
            change: kept,
            on,
            actor: actor.clone(),
        });
        Ok(&self.changes[self.changes.len() - 1])
    }

    /// Rebuilds an account from its history.
    pub fn rebuild<'a>(
        changes: impl IntoIterator<Item = (&'a Change, NaiveDate, &'a Actor)>,
    ) -> Result<Account, (usize, SocialError)> {
        let mut it = changes.into_iter();
        let Some((first, on, actor)) = it.next() else {
            return Err((0, SocialError::NotRegistered("(ninguno)")));
        };
        let mut account = Account::register(first.clone(), on, actor).map_err(|e| (0, e))?;
        for (i, (change, on, actor)) in it.enumerate() {
            account
                .apply(change.clone(), on, actor)
                .map_err(|e| (i + 1, e))?;
        }
        Ok(account)
    }

    /// Whether the account counts as official on `on`: an official account, or a
    /// servant's personal account run by an área in that period (Décima novena).
    pub fn official_on(&self, on: NaiveDate) -> bool {
        match self.kind {
            AccountKind::Official => true,
            AccountKind::ServantPersonal => self
                .run_by_area
                .is_some_and(|p| p.from <= on && p.to.is_none_or(|t| on <= t)),
        }
    }

    /// The gestores who administer it now.
    pub fn current_gestores(&self) -> impl Iterator<Item = &Gestor> {
        self.gestores.iter().filter(|g| g.left_on.is_none())
    }

    /// The changes that may still be made to the account, in the order a page offers
    /// them: none once it is retired; an área runs only a servant's personal account
    /// (Décima novena); a departure needs a current gestor. [`Account::apply`] remains the
    /// judge of each change's data.
    pub fn open_changes(&self) -> Vec<ChangeKind> {
        if self.retired_on.is_some() {
            return Vec::new();
        }
        ChangeKind::ALL
            .iter()
            .copied()
            .filter(|k| match k {
                ChangeKind::Registered => false,
                ChangeKind::RunByArea => self.kind == AccountKind::ServantPersonal,
                ChangeKind::GestorLeft => self.current_gestores().next().is_some(),
                _ => true,
            })
            .collect()
    }

    /// The gestores who left after the last change of passwords (or, if they were never
    /// changed, since the account entered the register), in the order they left: the
    /// passwords they knew must be changed (`002_…`, Décima quinta). Empty when nothing is
    /// owed. Read from the history's order, so a rotation and a departure on the same day
    /// count in the order they were recorded; it agrees with
    /// [`Account::rotation_owed_since`].
    pub fn rotation_pending(&self) -> Vec<&Gestor> {
        let since = self
            .changes
            .iter()
            .rposition(|c| matches!(c.change, Change::PasswordsRotated {}))
            .map_or(0, |i| i + 1);
        self.changes[since..]
            .iter()
            .filter_map(|c| match c.change {
                Change::GestorLeft { gestor } => self.gestores.iter().find(|g| g.id == gestor),
                _ => None,
            })
            .collect()
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} en {}", self.handle, self.platform)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Role;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn ut() -> Actor {
        Actor::new("ana", Role::UnitStaff)
    }

    fn official() -> Change {
        serde_json::from_str(
            r#"{"change":"registered","platform":"x","handle":"@SEJalisco","kind":"official","area":"Comunicación Social"}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_gestor_who_leaves_owes_a_rotation_until_it_is_recorded() {
        let mut a = Account::register(official(), d("2026-01-10"), &ut()).unwrap();
        assert_eq!(a.verification, Verification::Unverified);
        a.apply(
            Change::GestorAdded {
                name: "Luis Gómez".into(),
                kind: GestorKind::Servant,
                position: Some("Jefe de redes".into()),
                email: None,
            },
            d("2026-01-10"),
            &ut(),
        )
        .unwrap();
        a.apply(Change::GestorLeft { gestor: 1 }, d("2026-03-02"), &ut())
            .unwrap();
        assert_eq!(a.rotation_owed_since, Some(d("2026-03-02")));
        assert_eq!(a.current_gestores().count(), 0);
        assert_eq!(
            a.apply(Change::GestorLeft { gestor: 1 }, d("2026-03-03"), &ut())
                .unwrap_err(),
            SocialError::GestorAlreadyLeft(1, d("2026-03-02"))
        );
        a.apply(Change::PasswordsRotated {}, d("2026-03-04"), &ut())
            .unwrap();
        assert_eq!(a.rotation_owed_since, None);
        assert_eq!(a.rotated_on, Some(d("2026-03-04")));
        // Rebuilt from its history, the same account.
        let again =
            Account::rebuild(a.changes.iter().map(|c| (&c.change, c.on, &c.actor))).unwrap();
        assert_eq!(again, a);
    }

    #[test]
    fn the_rotation_is_owed_for_the_gestores_who_left_after_the_last_one() {
        let mut a = Account::register(official(), d("2026-01-10"), &ut()).unwrap();
        assert!(a.rotation_pending().is_empty());
        for name in ["Luis Gómez", "Rosa Díaz", "Proveedora SA"] {
            a.apply(
                Change::GestorAdded {
                    name: name.into(),
                    kind: GestorKind::Servant,
                    position: None,
                    email: None,
                },
                d("2026-01-10"),
                &ut(),
            )
            .unwrap();
        }
        // Never rotated, nobody left: nothing owed.
        assert!(a.rotation_pending().is_empty());
        a.apply(Change::GestorLeft { gestor: 1 }, d("2026-02-01"), &ut())
            .unwrap();
        let names = |a: &Account| -> Vec<String> {
            a.rotation_pending()
                .iter()
                .map(|g| g.name.clone())
                .collect()
        };
        assert_eq!(names(&a), ["Luis Gómez"]);
        assert_eq!(a.rotation_owed_since, Some(d("2026-02-01")));
        // Rotated the same day, after the departure: nothing owed.
        a.apply(Change::PasswordsRotated {}, d("2026-02-01"), &ut())
            .unwrap();
        assert!(a.rotation_pending().is_empty());
        assert_eq!(a.rotation_owed_since, None);
        // Then two leave, one the same day as the rotation but recorded after it.
        a.apply(Change::GestorLeft { gestor: 2 }, d("2026-02-01"), &ut())
            .unwrap();
        a.apply(Change::GestorLeft { gestor: 3 }, d("2026-03-05"), &ut())
            .unwrap();
        assert_eq!(names(&a), ["Rosa Díaz", "Proveedora SA"]);
        assert_eq!(a.rotation_owed_since, Some(d("2026-02-01")));
        a.apply(Change::PasswordsRotated {}, d("2026-03-06"), &ut())
            .unwrap();
        assert!(a.rotation_pending().is_empty());
        assert_eq!(
            Change::PasswordsRotated {}.label_es(),
            "cambio de contraseñas (Décima quinta)"
        );
        for k in ChangeKind::ALL {
            assert!(ChangeKind::parse(k.as_str()).is_some());
        }
        // What may still be changed: no area for an official account, no departure with
        // nobody left, nothing once retired.
        assert_eq!(
            a.open_changes(),
            [
                ChangeKind::Edited,
                ChangeKind::GestorAdded,
                ChangeKind::PasswordsRotated,
                ChangeKind::Compromised,
                ChangeKind::Retired
            ]
        );
        a.apply(Change::Retired {}, d("2026-03-06"), &ut()).unwrap();
        assert!(a.open_changes().is_empty());
    }

    #[test]
    fn a_personal_account_run_by_an_area_is_official_for_that_period() {
        let personal: Change = serde_json::from_str(
            r#"{"change":"registered","platform":"facebook","handle":"maria.directora","kind":"servant_personal","servant_level":"level_1","area":"Dirección General"}"#,
        )
        .unwrap();
        let mut a = Account::register(personal, d("2026-01-10"), &ut()).unwrap();
        assert!(!a.official_on(d("2026-02-01")));
        a.apply(
            Change::RunByArea {
                from: d("2026-02-01"),
                to: Some(d("2026-06-30")),
            },
            d("2026-01-20"),
            &ut(),
        )
        .unwrap();
        assert!(a.official_on(d("2026-02-01")) && a.official_on(d("2026-06-30")));
        assert!(!a.official_on(d("2026-07-01")));
        // An official account cannot be "run by an área"; a personal one needs its level.
        let mut o = Account::register(official(), d("2026-01-10"), &ut()).unwrap();
        assert_eq!(
            o.apply(
                Change::RunByArea {
                    from: d("2026-02-01"),
                    to: None
                },
                d("2026-02-01"),
                &ut()
            )
            .unwrap_err(),
            SocialError::NotPersonal
        );
        let e = serde_json::from_str::<Change>(
            r#"{"change":"registered","platform":"facebook","handle":"x","kind":"servant_personal","area":"A"}"#,
        )
        .map(|c| Account::register(c, d("2026-01-10"), &ut()));
        assert!(matches!(
            e,
            Ok(Err(SocialError::Invalid {
                field: "servant_level",
                ..
            }))
        ));
    }

    #[test]
    fn bad_input_is_refused_naming_the_field() {
        let e = serde_json::from_str::<Change>(
            r#"{"change":"registered","platform":"x","handle":"@a","kind":"official","area":"A","password":"secreta"}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("password"), "{e}");
        // Nor beside a change that carries nothing.
        let e = serde_json::from_str::<Change>(r#"{"change":"passwords_rotated","password":"x"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("password"), "{e}");
        assert_eq!(
            serde_json::to_string(&Change::PasswordsRotated {}).unwrap(),
            r#"{"change":"passwords_rotated"}"#
        );
        let mut bad = official();
        if let Change::Registered { handle, .. } = &mut bad {
            *handle = "dos palabras".into();
        }
        assert!(matches!(
            Account::register(bad, d("2026-01-10"), &ut()),
            Err(SocialError::Invalid {
                field: "handle",
                ..
            })
        ));
        let mut a = Account::register(official(), d("2026-01-10"), &ut()).unwrap();
        assert_eq!(
            a.apply(Change::PasswordsRotated {}, d("2026-01-09"), &ut())
                .unwrap_err(),
            SocialError::OutOfOrder {
                on: d("2026-01-09"),
                last: d("2026-01-10")
            }
        );
        a.apply(Change::Retired {}, d("2026-05-01"), &ut()).unwrap();
        assert_eq!(
            a.apply(Change::PasswordsRotated {}, d("2026-05-02"), &ut())
                .unwrap_err(),
            SocialError::Retired(d("2026-05-01"))
        );
        assert_eq!(a.changes.len(), 2);
    }
}
