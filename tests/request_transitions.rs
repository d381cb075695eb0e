//! Every act of a solicitud ARCO in every state of the request, where it is allowed and
//! where it is refused.
//!
//! The heart of this file is [`table`]: for each state (reached with real dates on the
//! shipped `mx-jalisco` calendar) and each act (with a representative payload), the exact
//! result: applied with the next state (on time or flagged late), or the exact refusal.
//! A reader can audit the model there, row by row, against `src/request/mod.rs` and
//! `shared/docs/terms.md`. The tests after it check what the table cannot show: roles,
//! order, lateness, the extension's time limit, the one prevention and the lapse.
//!
//! The dates, on the mx-jalisco calendar (office closes at 15:00; Mon 2026-02-02 and Mon
//! 2026-03-16 are holidays). The request is filed on Thu 2026-02-05 at 10:00, so:
//!
//! | term (from the filing, day 0 = Thu 02-05)            | due          |
//! |------------------------------------------------------|--------------|
//! | prevention, admission, incompetence, redirection, other procedure (3) | Tue 02-10 |
//! | improcedence notice (10)                             | Thu 02-19    |
//!
//! A prevention notified Fri 02-06 must be answered by Fri 02-13 (5 days); from Mon 02-16
//! on, the request is tenida por no presentada. Admitted Mon 02-09, the resolution is due
//! Mon 02-23 (10 days), Mon 03-02 with the extension (+5).

use std::sync::OnceLock;

use arco::calendar::{Calendar, CalendarLoader, Moment};
use arco::case::{Actor, Clock, DeadlineStatus, Role};
use arco::request::reception::{IdentityMeans, Standing};
use arco::request::{
    ActKind, Delivery, ImprocedenceCause, Modality, Outcome, Request, RequestAct, RequestError,
    RequestState, Review, Right,
};
use arco::rules::{Rulebooks, TermId};
use chrono::NaiveDate;

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| {
        CalendarLoader::default()
            .load("mx-jalisco")
            .expect("the shipped mx-jalisco calendar loads")
    })
}

fn rulebooks() -> &'static Rulebooks {
    static BOOKS: OnceLock<Rulebooks> = OnceLock::new();
    BOOKS.get_or_init(|| Rulebooks::builtin().expect("the builtin rulebooks load"))
}

fn clock() -> Clock<'static> {
    let book = rulebooks()
        .get("lpdppsoj-2017")
        .expect("the lpdppsoj-2017 rulebook is builtin");
    Clock::new(calendar(), book)
}

fn m(s: &str) -> Moment {
    s.parse().expect("a valid moment")
}

fn d(s: &str) -> NaiveDate {
    s.parse().expect("a valid date")
}

const FILED_AT: &str = "2026-02-05T10:00";

fn staff() -> Actor {
    Actor::new("ut-01", Role::UnitStaff)
}

fn committee() -> Actor {
    Actor::new("ct-01", Role::Committee)
}

/// The actor who may record `act`: the Comité resolves, the Unidad records the rest.
fn actor_for(act: &RequestAct) -> Actor {
    match act.kind() {
        ActKind::Resolved | ActKind::ImprocedenceReviewed => committee(),
        _ => staff(),
    }
}

/// Filed, with the titular's identity accredited at the counter (arts. 48, 88.1.III: the
/// data of an access request are delivered only to an accredited titular).
fn file() -> Request {
    let mut r =
        Request::file(&clock(), Right::Access, m(FILED_AT), &staff()).expect("the filing applies");
    apply_ok(&mut r, identity(), FILED_AT);
    r
}

fn identity() -> RequestAct {
    RequestAct::IdentityAccredited {
        standing: Standing::Titular,
        means: IdentityMeans::OfficialId,
        instrument: None,
    }
}

/// Applies `act` at `at` by the actor whose role it is, expecting success.
fn apply_ok(req: &mut Request, act: RequestAct, at: &str) {
    let actor = actor_for(&act);
    let kind = act.kind();
    if let Err(e) = req.apply(&clock(), act, m(at), &actor) {
        panic!("setting up: {} at {at} refused: {e:?}", kind.as_str());
    }
}

fn cause(s: &str) -> ImprocedenceCause {
    ImprocedenceCause::parse(s).expect("a fracción of art. 55.1")
}

fn delivery() -> Delivery {
    Delivery {
        modality: Modality::SimpleCopy,
        pages: 25,
        page_cost: 100,
        certification_cost: 0,
        shipping_cost: 0,
        medium_provided: false,
        waived: false,
    }
}

// ---------------------------------------------------------------------------------------
// The columns: every act, with representative payloads
// ---------------------------------------------------------------------------------------

/// The acts tried in every state. The incompetence notice has two columns because its
/// payload changes the next state (art. 54.2: a partial incompetence lets the request go
/// on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Filed,
    Identity,
    PreventionNotified,
    PreventionAnswered,
    Admitted,
    Incompetence,
    PartialIncompetence,
    Redirected,
    OtherProcedure,
    ImprocedenceReviewed,
    Improcedence,
    Extension,
    Resolved,
    ResolutionNotified,
    Fulfilled,
    Withdrawn,
    Closed,
}

const COLS: [Col; 17] = [
    Col::Filed,
    Col::Identity,
    Col::PreventionNotified,
    Col::PreventionAnswered,
    Col::Admitted,
    Col::Incompetence,
    Col::PartialIncompetence,
    Col::Redirected,
    Col::OtherProcedure,
    Col::ImprocedenceReviewed,
    Col::Improcedence,
    Col::Extension,
    Col::Resolved,
    Col::ResolutionNotified,
    Col::Fulfilled,
    Col::Withdrawn,
    Col::Closed,
];

impl Col {
    fn act(self) -> RequestAct {
        match self {
            Col::Filed => RequestAct::Filed {
                right: Right::Access,
                channel: None,
                external_folio: None,
            },
            Col::Identity => identity(),
            Col::PreventionNotified => RequestAct::PreventionNotified,
            Col::PreventionAnswered => RequestAct::PreventionAnswered,
            Col::Admitted => RequestAct::Admitted,
            Col::Incompetence => RequestAct::IncompetenceNotified { partial: false },
            Col::PartialIncompetence => RequestAct::IncompetenceNotified { partial: true },
            Col::Redirected => RequestAct::Redirected,
            Col::OtherProcedure => RequestAct::OtherProcedureNotified,
            Col::ImprocedenceReviewed => RequestAct::ImprocedenceReviewed {
                cause: cause("II"),
                decision: Review::Confirmed,
            },
            Col::Improcedence => RequestAct::ImprocedenceNotified { cause: cause("II") },
            Col::Extension => RequestAct::ExtensionNotified { days: None },
            Col::Resolved => RequestAct::Resolved {
                outcome: Outcome::Granted,
            },
            Col::ResolutionNotified => RequestAct::ResolutionNotified,
            Col::Fulfilled => RequestAct::Fulfilled {
                delivery: Some(delivery()),
            },
            Col::Withdrawn => RequestAct::Withdrawn,
            Col::Closed => RequestAct::Closed,
        }
    }
}

#[test]
fn the_columns_cover_every_act_kind() {
    for k in ActKind::ALL {
        assert!(
            COLS.iter().any(|c| c.act().kind() == k),
            "no column tries {}",
            k.as_str()
        );
    }
}

// ---------------------------------------------------------------------------------------
// The rows: every state, reached with real dates
// ---------------------------------------------------------------------------------------

/// A way to reach a state. Some states appear more than once, reached by different
/// histories, where the history changes the answer (a prevention already used, an
/// extension already granted, a notice already given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setup {
    Filed,
    /// Filed again after a prevention was answered.
    FiledAfterAnswer,
    /// Filed, after a partial incompetence and a notice of a specific procedure.
    FiledAfterNotices,
    /// Filed, with the Comité's confirmation of an improcedencia on fracción II.
    FiledReviewed,
    Prevented,
    /// The prevention left unanswered past its 5-day term (a state on a later date).
    NotPresented,
    Admitted,
    /// Admitted after a prevention was answered.
    AdmittedAfterAnswer,
    /// Admitted, with the resolution term already extended.
    AdmittedExtended,
    Resolved,
    ResolvedExtended,
    Notified(Outcome),
    Fulfilled,
    Incompetent,
    Redirected,
    Improcedent,
    Withdrawn,
    Closed,
    /// Closed after an extended, denied, notified resolution.
    ClosedExtended,
}

const SETUPS: [Setup; 22] = [
    Setup::Filed,
    Setup::FiledAfterAnswer,
    Setup::FiledAfterNotices,
    Setup::FiledReviewed,
    Setup::Prevented,
    Setup::NotPresented,
    Setup::Admitted,
    Setup::AdmittedAfterAnswer,
    Setup::AdmittedExtended,
    Setup::Resolved,
    Setup::ResolvedExtended,
    Setup::Notified(Outcome::Granted),
    Setup::Notified(Outcome::PartiallyGranted),
    Setup::Notified(Outcome::Denied),
    Setup::Notified(Outcome::Nonexistent),
    Setup::Fulfilled,
    Setup::Incompetent,
    Setup::Redirected,
    Setup::Improcedent,
    Setup::Withdrawn,
    Setup::Closed,
    Setup::ClosedExtended,
];

struct Scenario {
    /// The acts after the filing (Thu 2026-02-05T10:00), with their moments.
    steps: Vec<(RequestAct, &'static str)>,
    /// When every act of the row is tried: a business day, in office hours.
    probe: &'static str,
    /// The state on the probe's date.
    state: RequestState,
}

fn resolved(outcome: Outcome) -> RequestAct {
    RequestAct::Resolved { outcome }
}

fn scenario(setup: Setup) -> Scenario {
    use RequestAct as A;
    use RequestState as S;
    let (steps, probe, state): (Vec<(RequestAct, &'static str)>, _, _) = match setup {
        Setup::Filed => (vec![], "2026-02-06T10:00", S::Filed),
        Setup::FiledAfterAnswer => (
            vec![
                (A::PreventionNotified, "2026-02-06T10:00"),
                (A::PreventionAnswered, "2026-02-09T10:00"),
            ],
            "2026-02-10T10:00",
            S::Filed,
        ),
        Setup::FiledAfterNotices => (
            vec![
                (
                    A::IncompetenceNotified { partial: true },
                    "2026-02-06T10:00",
                ),
                (A::OtherProcedureNotified, "2026-02-06T11:00"),
            ],
            "2026-02-09T10:00",
            S::Filed,
        ),
        Setup::FiledReviewed => (
            vec![(
                A::ImprocedenceReviewed {
                    cause: cause("II"),
                    decision: Review::Confirmed,
                },
                "2026-02-06T10:00",
            )],
            "2026-02-09T10:00",
            S::Filed,
        ),
        Setup::Prevented => (
            vec![(A::PreventionNotified, "2026-02-06T10:00")],
            "2026-02-09T10:00",
            S::Prevented,
        ),
        Setup::NotPresented => (
            vec![(A::PreventionNotified, "2026-02-06T10:00")],
            "2026-02-16T10:00",
            S::NotPresented,
        ),
        Setup::Admitted => (
            vec![(A::Admitted, "2026-02-09T10:00")],
            "2026-02-10T10:00",
            S::Admitted,
        ),
        Setup::AdmittedAfterAnswer => (
            vec![
                (A::PreventionNotified, "2026-02-06T10:00"),
                (A::PreventionAnswered, "2026-02-09T10:00"),
                (A::Admitted, "2026-02-10T10:00"),
            ],
            "2026-02-11T10:00",
            S::Admitted,
        ),
        Setup::AdmittedExtended => (
            vec![
                (A::Admitted, "2026-02-09T10:00"),
                (A::ExtensionNotified { days: None }, "2026-02-12T10:00"),
            ],
            "2026-02-13T10:00",
            S::Admitted,
        ),
        Setup::Resolved => (
            vec![
                (A::Admitted, "2026-02-09T10:00"),
                (resolved(Outcome::Granted), "2026-02-16T10:00"),
            ],
            "2026-02-17T10:00",
            S::Resolved,
        ),
        Setup::ResolvedExtended => (
            vec![
                (A::Admitted, "2026-02-09T10:00"),
                (A::ExtensionNotified { days: None }, "2026-02-12T10:00"),
                (resolved(Outcome::Granted), "2026-02-16T10:00"),
            ],
            "2026-02-17T10:00",
            S::Resolved,
        ),
        Setup::Notified(outcome) => (
            vec![
                (A::Admitted, "2026-02-09T10:00"),
                (resolved(outcome), "2026-02-16T10:00"),
                (A::ResolutionNotified, "2026-02-17T10:00"),
            ],
            "2026-02-18T10:00",
            S::Notified,
        ),
        Setup::Fulfilled => (
            vec![
                (A::Admitted, "2026-02-09T10:00"),
                (resolved(Outcome::Granted), "2026-02-16T10:00"),
                (A::ResolutionNotified, "2026-02-17T10:00"),
                (
                    A::Fulfilled {
                        delivery: Some(delivery()),
                    },
                    "2026-02-18T10:00",
                ),
            ],
            "2026-02-19T10:00",
            S::Fulfilled,
        ),
        Setup::Incompetent => (
            vec![(
                A::IncompetenceNotified { partial: false },
                "2026-02-06T10:00",
            )],
            "2026-02-09T10:00",
            S::Incompetent,
        ),
        Setup::Redirected => (
            vec![(A::Redirected, "2026-02-06T10:00")],
            "2026-02-09T10:00",
            S::Redirected,
        ),
        Setup::Improcedent => (
            vec![
                (
                    A::ImprocedenceReviewed {
                        cause: cause("IV"),
                        decision: Review::Confirmed,
                    },
                    "2026-02-06T09:00",
                ),
                (
                    A::ImprocedenceNotified { cause: cause("IV") },
                    "2026-02-06T10:00",
                ),
            ],
            "2026-02-09T10:00",
            S::Improcedent,
        ),
        Setup::Withdrawn => (
            vec![(A::Withdrawn, "2026-02-06T10:00")],
            "2026-02-09T10:00",
            S::Withdrawn,
        ),
        Setup::Closed => (
            vec![
                (A::Withdrawn, "2026-02-06T10:00"),
                (A::Closed, "2026-02-09T10:00"),
            ],
            "2026-02-10T10:00",
            S::Closed,
        ),
        Setup::ClosedExtended => (
            vec![
                (A::Admitted, "2026-02-09T10:00"),
                (A::ExtensionNotified { days: None }, "2026-02-12T10:00"),
                (resolved(Outcome::Denied), "2026-02-16T10:00"),
                (A::ResolutionNotified, "2026-02-17T10:00"),
                (A::Closed, "2026-02-18T10:00"),
            ],
            "2026-02-19T10:00",
            S::Closed,
        ),
    };
    Scenario {
        steps,
        probe,
        state,
    }
}

/// Drives a new request into `setup`, checking it got there.
fn drive(setup: Setup) -> (Request, Scenario) {
    let sc = scenario(setup);
    let mut req = file();
    for (act, at) in &sc.steps {
        apply_ok(&mut req, act.clone(), at);
    }
    let probe_date = calendar().effective_date(&m(sc.probe)).unwrap();
    assert_eq!(
        req.state_on(&clock(), probe_date).unwrap(),
        sc.state,
        "{setup:?} is not in {:?} on {probe_date}",
        sc.state
    );
    (req, sc)
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

/// What applying a column's act in a row's state gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Applied on time; the request is now in this state.
    Applies(RequestState),
    /// Applied but after its term: recorded with `late == true`; now in this state.
    AppliesLate(RequestState),
    /// `InvalidTransition { state: <the row's state>, act: <the column's act> }`.
    Invalid,
    /// `SecondPrevention { on: <the first prevention's effective date> }` (art. 52.1).
    SecondPrevention(&'static str),
    /// `SecondExtension { on: <the extension's effective date> }` (art. 59.2).
    SecondExtension(&'static str),
    /// `NothingToFulfil { outcome }` (art. 59.3: only a procedente resolution is fulfilled).
    NothingToFulfil(Outcome),
    /// `Lapsed { act: <the column's act>, on: <the last day to answer the prevention> }`
    /// (art. 52.3).
    Lapsed(&'static str),
    /// `ImprocedenceNotConfirmed` for the column's cause II, no review (art. 87.1.III).
    NotConfirmed,
}

/// The model, state by state. Dates are those of [`scenario`]; see the module comment.
fn table() -> Vec<(Setup, Vec<(Col, Expect)>)> {
    use Col as C;
    use Expect::*;
    use RequestState as S;
    vec![
        // Received: a prevention, the admission, any of the notices, or a withdrawal.
        (
            Setup::Filed,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Filed)),
                (C::PreventionNotified, Applies(S::Prevented)),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Applies(S::Admitted)),
                (C::Incompetence, Applies(S::Incompetent)),
                (C::PartialIncompetence, Applies(S::Filed)),
                (C::Redirected, Applies(S::Redirected)),
                (C::OtherProcedure, Applies(S::Filed)),
                (C::ImprocedenceReviewed, Applies(S::Filed)),
                (C::Improcedence, NotConfirmed),
                (C::Extension, Applies(S::Filed)), // never admitted: implies it (item 7)
                (C::Resolved, Applies(S::Resolved)),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Applies(S::Withdrawn)),
                (C::Closed, Invalid),
            ],
        ),
        // Complete again after the prevention was answered (Mon 02-09); tried Tue 02-10.
        (
            Setup::FiledAfterAnswer,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Filed)),
                (C::PreventionNotified, SecondPrevention("2026-02-06")),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Applies(S::Admitted)), // due Thu 02-12, from the answer
                (C::Incompetence, Applies(S::Incompetent)), // due Tue 02-10, from the filing
                (C::PartialIncompetence, Applies(S::Filed)),
                (C::Redirected, Applies(S::Redirected)),
                (C::OtherProcedure, Applies(S::Filed)),
                (C::ImprocedenceReviewed, Applies(S::Filed)),
                (C::Improcedence, NotConfirmed),
                (C::Extension, Applies(S::Filed)), // never admitted: implies it (item 7)
                (C::Resolved, Applies(S::Resolved)),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Applies(S::Withdrawn)),
                (C::Closed, Invalid),
            ],
        ),
        // A specific procedure is notified only once (art. 57).
        (
            Setup::FiledAfterNotices,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Filed)),
                (C::PreventionNotified, Applies(S::Prevented)),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Applies(S::Admitted)),
                (C::Incompetence, Applies(S::Incompetent)),
                (C::PartialIncompetence, Applies(S::Filed)),
                (C::Redirected, Applies(S::Redirected)),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Applies(S::Filed)),
                (C::Improcedence, NotConfirmed),
                (C::Extension, Applies(S::Filed)), // never admitted: implies it (item 7)
                (C::Resolved, Applies(S::Resolved)),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Applies(S::Withdrawn)),
                (C::Closed, Invalid),
            ],
        ),
        // Waiting for the titular (reply due Fri 02-13); tried Mon 02-09.
        // Confirmed by the Comité (art. 87.1.III): now the improcedencia may be notified.
        (
            Setup::FiledReviewed,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Filed)),
                (C::PreventionNotified, Applies(S::Prevented)),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Applies(S::Admitted)),
                (C::Incompetence, Applies(S::Incompetent)),
                (C::PartialIncompetence, Applies(S::Filed)),
                (C::Redirected, Applies(S::Redirected)),
                (C::OtherProcedure, Applies(S::Filed)),
                (C::ImprocedenceReviewed, Applies(S::Filed)),
                (C::Improcedence, Applies(S::Improcedent)),
                (C::Extension, Applies(S::Filed)), // never admitted: implies it (item 7)
                (C::Resolved, Applies(S::Resolved)),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Applies(S::Withdrawn)),
                (C::Closed, Invalid),
            ],
        ),
        (
            Setup::Prevented,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Prevented)),
                (C::PreventionNotified, SecondPrevention("2026-02-06")),
                (C::PreventionAnswered, Applies(S::Filed)),
                (C::Admitted, Invalid), // admitted once complete (art. 53.1)
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, Invalid),
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Applies(S::Withdrawn)),
                (C::Closed, Invalid), // not yet lapsed: nothing to close
            ],
        ),
        // Tenida por no presentada (tried Mon 02-16): only closing the file is left.
        (
            Setup::NotPresented,
            vec![
                (C::Filed, Lapsed("2026-02-13")),
                (C::Identity, Lapsed("2026-02-13")),
                (C::PreventionNotified, Lapsed("2026-02-13")),
                (C::PreventionAnswered, Lapsed("2026-02-13")),
                (C::Admitted, Lapsed("2026-02-13")),
                (C::Incompetence, Lapsed("2026-02-13")),
                (C::PartialIncompetence, Lapsed("2026-02-13")),
                (C::Redirected, Lapsed("2026-02-13")),
                (C::OtherProcedure, Lapsed("2026-02-13")),
                (C::ImprocedenceReviewed, Lapsed("2026-02-13")),
                (C::Improcedence, Lapsed("2026-02-13")),
                (C::Extension, Lapsed("2026-02-13")),
                (C::Resolved, Lapsed("2026-02-13")),
                (C::ResolutionNotified, Lapsed("2026-02-13")),
                (C::Fulfilled, Lapsed("2026-02-13")),
                (C::Withdrawn, Lapsed("2026-02-13")),
                (C::Closed, Applies(S::Closed)),
            ],
        ),
        // Admitted Mon 02-09 (resolution due Mon 02-23); tried Tue 02-10.
        (
            Setup::Admitted,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Admitted)),
                (C::PreventionNotified, Invalid), // only before admission
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Applies(S::Incompetent)),
                (C::PartialIncompetence, Applies(S::Admitted)),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Applies(S::Admitted)),
                (C::Improcedence, NotConfirmed),
                (C::Extension, Applies(S::Admitted)),
                (C::Resolved, Applies(S::Resolved)),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Applies(S::Withdrawn)),
                (C::Closed, Invalid),
            ],
        ),
        // Prevented, answered Mon 02-09, admitted Tue 02-10; tried Wed 02-11, after the
        // 3 days (from the filing) of the incompetence notice.
        (
            Setup::AdmittedAfterAnswer,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Admitted)),
                (C::PreventionNotified, SecondPrevention("2026-02-06")),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, AppliesLate(S::Incompetent)),
                (C::PartialIncompetence, AppliesLate(S::Admitted)),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Applies(S::Admitted)),
                (C::Improcedence, NotConfirmed),      // due Thu 02-19
                (C::Extension, Applies(S::Admitted)), // due Mon 02-23, from the answer
                (C::Resolved, Applies(S::Resolved)),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Applies(S::Withdrawn)),
                (C::Closed, Invalid),
            ],
        ),
        // Extended Thu 02-12; tried Fri 02-13.
        (
            Setup::AdmittedExtended,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Admitted)),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, AppliesLate(S::Incompetent)),
                (C::PartialIncompetence, AppliesLate(S::Admitted)),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Applies(S::Admitted)),
                (C::Improcedence, NotConfirmed),
                (C::Extension, SecondExtension("2026-02-12")),
                (C::Resolved, Applies(S::Resolved)),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Applies(S::Withdrawn)),
                (C::Closed, Invalid),
            ],
        ),
        // Resolved Mon 02-16, not yet notified; tried Tue 02-17.
        (
            Setup::Resolved,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Resolved)),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, Invalid), // only while the resolution is pending
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Applies(S::Notified)),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Applies(S::Withdrawn)),
                (C::Closed, Invalid),
            ],
        ),
        (
            Setup::ResolvedExtended,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Resolved)),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, SecondExtension("2026-02-12")),
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Applies(S::Notified)),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Applies(S::Withdrawn)),
                (C::Closed, Invalid),
            ],
        ),
        // Notified Tue 02-17 (fulfilment due Tue 02-24); tried Wed 02-18.
        (
            Setup::Notified(Outcome::Granted),
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Notified)),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, Invalid),
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Applies(S::Fulfilled)),
                (C::Withdrawn, Invalid),
                // A granted right is made effective before the file closes (art. 59.3).
                (C::Closed, Invalid),
            ],
        ),
        (
            Setup::Notified(Outcome::PartiallyGranted),
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Notified)),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, Invalid),
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Applies(S::Fulfilled)),
                (C::Withdrawn, Invalid),
                // A granted right is made effective before the file closes (art. 59.3).
                (C::Closed, Invalid),
            ],
        ),
        (
            Setup::Notified(Outcome::Denied),
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Notified)),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, Invalid),
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, NothingToFulfil(Outcome::Denied)),
                (C::Withdrawn, Invalid),
                (C::Closed, Applies(S::Closed)),
            ],
        ),
        (
            Setup::Notified(Outcome::Nonexistent),
            vec![
                (C::Filed, Invalid),
                (C::Identity, Applies(S::Notified)),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, Invalid),
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, NothingToFulfil(Outcome::Nonexistent)),
                (C::Withdrawn, Invalid),
                (C::Closed, Applies(S::Closed)),
            ],
        ),
        // The final states: only closing the file is left.
        (
            Setup::Fulfilled,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Invalid),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, Invalid),
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Invalid),
                (C::Closed, Applies(S::Closed)),
            ],
        ),
        (
            Setup::Incompetent,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Invalid),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, Invalid),
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Invalid),
                (C::Closed, Applies(S::Closed)),
            ],
        ),
        (
            Setup::Redirected,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Invalid),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, Invalid),
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Invalid),
                (C::Closed, Applies(S::Closed)),
            ],
        ),
        (
            Setup::Improcedent,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Invalid),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, Invalid),
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Invalid),
                (C::Closed, Applies(S::Closed)),
            ],
        ),
        (
            Setup::Withdrawn,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Invalid),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, Invalid),
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Invalid),
                (C::Closed, Applies(S::Closed)),
            ],
        ),
        // Closed: nothing at all.
        (
            Setup::Closed,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Invalid),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, Invalid),
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Invalid),
                (C::Closed, Invalid),
            ],
        ),
        // An extension, once granted, is named as such in any state.
        (
            Setup::ClosedExtended,
            vec![
                (C::Filed, Invalid),
                (C::Identity, Invalid),
                (C::PreventionNotified, Invalid),
                (C::PreventionAnswered, Invalid),
                (C::Admitted, Invalid),
                (C::Incompetence, Invalid),
                (C::PartialIncompetence, Invalid),
                (C::Redirected, Invalid),
                (C::OtherProcedure, Invalid),
                (C::ImprocedenceReviewed, Invalid),
                (C::Improcedence, Invalid),
                (C::Extension, SecondExtension("2026-02-12")),
                (C::Resolved, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::Fulfilled, Invalid),
                (C::Withdrawn, Invalid),
                (C::Closed, Invalid),
            ],
        ),
    ]
}

#[test]
fn the_table_has_every_state_and_every_act_once() {
    let t = table();
    let setups: Vec<Setup> = t.iter().map(|(s, _)| *s).collect();
    assert_eq!(setups, SETUPS.to_vec(), "rows out of order or missing");
    for (setup, row) in &t {
        let cols: Vec<Col> = row.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            cols,
            COLS.to_vec(),
            "{setup:?}: columns out of order or missing"
        );
    }
    for state in RequestState::ALL {
        assert!(
            SETUPS.iter().any(|s| scenario(*s).state == state),
            "no row reaches {state:?}"
        );
    }
    assert_eq!(t.len() * COLS.len(), 22 * 17);
}

/// Applies one cell of the table to a fresh request in the row's state and checks the
/// exact result; a refusal must leave the request exactly as it was.
fn check_cell(setup: Setup, col: Col, expect: Expect) -> Result<(), String> {
    let (mut req, sc) = drive(setup);
    let c = clock();
    let act = col.act();
    let kind = act.kind();
    let actor = actor_for(&act);
    let probe = m(sc.probe);
    let eff = calendar().effective_date(&probe).unwrap();
    let before = req.clone();
    let n = req.acts.len();
    let got = req
        .apply(&c, act.clone(), probe, &actor)
        .map(|r| (r.late, r.seq, r.effective));
    let want_err = |e: RequestError| -> Result<(), String> {
        match &got {
            Err(g) if *g == e => {
                if req != before {
                    return Err(format!("refused with {g:?} but the request changed"));
                }
                Ok(())
            }
            other => Err(format!("expected Err({e:?}), got {other:?}")),
        }
    };
    match expect {
        Expect::Applies(next) | Expect::AppliesLate(next) => {
            let late = matches!(expect, Expect::AppliesLate(_));
            let (was_late, seq, effective) = got.map_err(|e| format!("refused: {e:?}"))?;
            if was_late != late {
                return Err(format!("late = {was_late}, expected {late}"));
            }
            if seq as usize != n + 1 || req.acts.len() != n + 1 || effective != eff {
                return Err(format!("recorded as seq {seq} on {effective}"));
            }
            let last = req.acts.last().unwrap();
            if last.act != act || last.at != probe || last.actor != actor {
                return Err(format!("recorded the wrong act: {last:?}"));
            }
            if req.state != next || req.state_on(&c, eff).unwrap() != next {
                return Err(format!("now {:?}, expected {next:?}", req.state));
            }
            Ok(())
        }
        Expect::Invalid => want_err(RequestError::InvalidTransition {
            state: sc.state,
            act: kind,
        }),
        Expect::SecondPrevention(on) => want_err(RequestError::SecondPrevention { on: d(on) }),
        Expect::SecondExtension(on) => want_err(RequestError::SecondExtension { on: d(on) }),
        Expect::NothingToFulfil(outcome) => want_err(RequestError::NothingToFulfil { outcome }),
        Expect::Lapsed(on) => want_err(RequestError::Lapsed {
            act: kind,
            due: d(on),
        }),
        Expect::NotConfirmed => want_err(RequestError::ImprocedenceNotConfirmed {
            cause: cause("II"),
            revoked: false,
            confirmed: None,
        }),
    }
}

#[test]
fn every_act_in_every_state() {
    let mut failures = Vec::new();
    let mut cells = 0;
    for (setup, row) in table() {
        for (col, expect) in row {
            cells += 1;
            if let Err(why) = check_cell(setup, col, expect) {
                failures.push(format!("{setup:?} × {col:?} ({expect:?}): {why}"));
            }
        }
    }
    assert_eq!(cells, 374);
    assert!(
        failures.is_empty(),
        "{} of {cells} cells disagree with the table:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The first row of the table where `kind` applies (to try every role on it).
fn where_it_applies(kind: ActKind) -> (Setup, Col) {
    for (setup, row) in table() {
        for (col, expect) in row {
            if col.act().kind() == kind && matches!(expect, Expect::Applies(_)) {
                return (setup, col);
            }
        }
    }
    panic!("{} applies nowhere in the table", kind.as_str());
}

const ROLES: [Role; 7] = [
    Role::UnitStaff,
    Role::UnitHead,
    Role::Committee,
    Role::Guarantor,
    Role::Auditor,
    Role::Admin,
    Role::Migration,
];

/// Who may record each act: the Comité resolves (arts. 59–61); the Unidad de
/// Transparencia records everything else; an import (`Migration`) records anything.
fn allowed(kind: ActKind) -> &'static [Role] {
    match kind {
        ActKind::Resolved | ActKind::ImprocedenceReviewed => &[Role::Committee, Role::Migration],
        _ => &[Role::UnitStaff, Role::UnitHead, Role::Migration],
    }
}

#[test]
fn roles_who_may_record_each_act() {
    let c = clock();
    for kind in ActKind::ALL {
        assert_eq!(kind.allowed_roles(), allowed(kind), "{}", kind.as_str());
    }
    // The filing itself.
    for role in ROLES {
        let actor = Actor::new("x", role);
        let got = Request::file(&c, Right::Rectification, m(FILED_AT), &actor);
        if allowed(ActKind::Filed).contains(&role) {
            assert!(got.is_ok(), "{role:?} may file: {got:?}");
        } else {
            assert_eq!(
                got.unwrap_err(),
                RequestError::Forbidden {
                    act: ActKind::Filed,
                    role,
                    allowed: allowed(ActKind::Filed),
                }
            );
        }
    }
    // Every other act, in a state where it applies.
    for kind in ActKind::ALL.into_iter().filter(|k| *k != ActKind::Filed) {
        let (setup, col) = where_it_applies(kind);
        for role in ROLES {
            let (mut req, sc) = drive(setup);
            let before = req.clone();
            let actor = Actor::new("x", role);
            let got = req
                .apply(&c, col.act(), m(sc.probe), &actor)
                .map(|r| r.actor.clone());
            if allowed(kind).contains(&role) {
                assert_eq!(got, Ok(actor), "{role:?} may record {}", kind.as_str());
            } else {
                assert_eq!(
                    got,
                    Err(RequestError::Forbidden {
                        act: kind,
                        role,
                        allowed: allowed(kind),
                    }),
                    "{role:?} recording {}",
                    kind.as_str()
                );
                assert_eq!(req, before, "a forbidden act changed the request");
            }
        }
    }
}

#[test]
fn the_role_is_checked_before_anything_else() {
    let c = clock();
    // Closed, a lapse, an act out of order: the wrong role is still named first.
    let (mut req, _) = drive(Setup::Closed);
    let before = req.clone();
    let auditor = Actor::new("aud", Role::Auditor);
    for at in ["2026-02-10T10:00", "2026-02-02T10:00"] {
        assert_eq!(
            req.apply(&c, RequestAct::Admitted, m(at), &auditor)
                .unwrap_err(),
            RequestError::Forbidden {
                act: ActKind::Admitted,
                role: Role::Auditor,
                allowed: allowed(ActKind::Admitted),
            }
        );
    }
    let err = req
        .apply(
            &c,
            resolved(Outcome::Granted),
            m("2026-02-10T10:00"),
            &staff(),
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            RequestError::Forbidden {
                act: ActKind::Resolved,
                role: Role::UnitStaff,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(req, before);
}

// ---------------------------------------------------------------------------------------
// Order
// ---------------------------------------------------------------------------------------

#[test]
fn an_act_dated_before_the_previous_effective_date_is_out_of_order() {
    let c = clock();
    let mut req = file();
    apply_ok(&mut req, RequestAct::Admitted, "2026-02-10T10:00");
    let before = req.clone();

    // The day before the admission took effect.
    assert_eq!(
        req.apply(
            &c,
            resolved(Outcome::Granted),
            m("2026-02-09T10:00"),
            &committee()
        )
        .unwrap_err(),
        RequestError::OutOfOrder {
            act: ActKind::Resolved,
            effective: d("2026-02-09"),
            previous: d("2026-02-10"),
        }
    );
    // Before the filing itself.
    assert_eq!(
        req.apply(&c, RequestAct::Withdrawn, m("2026-02-04"), &staff())
            .unwrap_err(),
        RequestError::OutOfOrder {
            act: ActKind::Withdrawn,
            effective: d("2026-02-04"),
            previous: d("2026-02-10"),
        }
    );
    assert_eq!(req, before, "an act out of order changed the request");

    // Order is by effective date: earlier the same day is fine...
    apply_ok(
        &mut req,
        RequestAct::ExtensionNotified { days: None },
        "2026-02-10T08:00",
    );
    // ...and so is a Sunday, which takes effect on Monday, after an act at 16:00 on
    // Friday (after closing), which also takes effect on Monday.
    apply_ok(
        &mut req,
        resolved(Outcome::Denied),
        "2026-02-13T16:00", // effective Mon 02-16
    );
    assert_eq!(req.acts.last().unwrap().effective, d("2026-02-16"));
    apply_ok(&mut req, RequestAct::ResolutionNotified, "2026-02-15T12:00");
    assert_eq!(req.acts.last().unwrap().effective, d("2026-02-16"));
    // But Friday in office hours is before Monday.
    let before = req.clone();
    assert_eq!(
        req.apply(&c, RequestAct::Closed, m("2026-02-13T14:59"), &staff())
            .unwrap_err(),
        RequestError::OutOfOrder {
            act: ActKind::Closed,
            effective: d("2026-02-13"),
            previous: d("2026-02-16"),
        }
    );
    assert_eq!(req, before);
}

// ---------------------------------------------------------------------------------------
// Late acts
// ---------------------------------------------------------------------------------------

#[test]
fn a_late_admission_is_recorded_late_and_still_takes_effect() {
    let c = clock();
    let mut req = file();
    // Thu 02-12 is the 5th business day after the filing; the admission was due Tue 02-10.
    let rec = req
        .apply(&c, RequestAct::Admitted, m("2026-02-12T10:00"), &staff())
        .unwrap()
        .clone();
    assert!(rec.late);
    assert_eq!(rec.term, Some(TermId::Admission));
    assert_eq!(rec.effective, d("2026-02-12"));
    assert_eq!(req.state, RequestState::Admitted);
    let dl = req.deadlines(&c, d("2026-02-12")).unwrap();
    let adm = &dl[&TermId::Admission];
    assert_eq!(
        (adm.due, adm.done, adm.status),
        (d("2026-02-10"), Some(d("2026-02-12")), DeadlineStatus::Late)
    );
    // The resolution counts from the (late) admission: 10 days from Thu 02-12.
    assert_eq!(dl[&TermId::Resolution].due, d("2026-02-26"));
    // And the request goes on.
    apply_ok(&mut req, resolved(Outcome::Granted), "2026-02-13T10:00");
    assert_eq!(req.state, RequestState::Resolved);
    assert!(!req.acts.last().unwrap().late);
}

#[test]
fn an_act_at_closing_time_takes_effect_the_next_day_and_can_be_late() {
    let c = clock();
    // Tue 02-10 is the last day to admit; at 15:00 the office is closed.
    let mut on_time = file();
    let rec = on_time
        .apply(&c, RequestAct::Admitted, m("2026-02-10T14:59"), &staff())
        .unwrap();
    assert!(!rec.late);
    let mut late = file();
    let rec = late
        .apply(&c, RequestAct::Admitted, m("2026-02-10T15:00"), &staff())
        .unwrap();
    assert!(rec.late);
    assert_eq!(rec.effective, d("2026-02-11"));
    assert_eq!(late.state, RequestState::Admitted);
}

#[test]
fn other_late_acts_are_recorded_late() {
    let c = clock();

    // A prevention after its 3 days: recorded and flagged, but it neither stops the
    // request nor can make it "no presentada" (art. 52.1 read with art. 6.1).
    let mut req = file();
    let rec = req
        .apply(
            &c,
            RequestAct::PreventionNotified,
            m("2026-02-11T10:00"),
            &staff(),
        )
        .unwrap();
    assert!(rec.late);
    assert_eq!(rec.term, Some(TermId::Prevention));
    assert_eq!(req.state, RequestState::Filed);
    // Its reply would have been due Wed 02-18 (5 days from Wed 02-11): nothing lapses.
    assert_eq!(
        req.state_on(&c, d("2026-02-19")).unwrap(),
        RequestState::Filed
    );

    // Notices after their terms.
    for (act, at, next, term) in [
        (
            RequestAct::IncompetenceNotified { partial: false },
            "2026-02-11T10:00",
            RequestState::Incompetent,
            TermId::IncompetenceNotice,
        ),
        (
            RequestAct::Redirected,
            "2026-02-11T10:00",
            RequestState::Redirected,
            TermId::RedirectionNotice,
        ),
        (
            RequestAct::OtherProcedureNotified,
            "2026-02-11T10:00",
            RequestState::Filed,
            TermId::OtherProcedureNotice,
        ),
        (
            RequestAct::ImprocedenceNotified { cause: cause("X") },
            "2026-02-20T10:00",
            RequestState::Improcedent,
            TermId::ImprocedenceNotice,
        ),
    ] {
        let mut req = file();
        if let RequestAct::ImprocedenceNotified { cause } = &act {
            let review = RequestAct::ImprocedenceReviewed {
                cause: *cause,
                decision: Review::Confirmed,
            };
            apply_ok(&mut req, review, "2026-02-06T09:00");
        }
        let rec = req.apply(&c, act.clone(), m(at), &staff()).unwrap();
        assert!(rec.late, "{act:?}");
        assert_eq!(rec.term, Some(term));
        assert_eq!(req.state, next);
    }
    // ...and on their last day, on time.
    let mut req = file();
    let review = RequestAct::ImprocedenceReviewed {
        cause: cause("X"),
        decision: Review::Confirmed,
    };
    apply_ok(&mut req, review, "2026-02-06T09:00");
    let rec = req
        .apply(
            &c,
            RequestAct::ImprocedenceNotified { cause: cause("X") },
            m("2026-02-19T14:00"),
            &staff(),
        )
        .unwrap();
    assert!(!rec.late);

    // A resolution after its 10 days (due Mon 02-23), its notification, and the
    // fulfilment after its 5 days.
    let mut req = file();
    apply_ok(&mut req, RequestAct::Admitted, "2026-02-09T10:00");
    let rec = req
        .apply(
            &c,
            resolved(Outcome::Granted),
            m("2026-02-24T10:00"),
            &committee(),
        )
        .unwrap();
    assert!(rec.late);
    assert_eq!(rec.term, Some(TermId::Resolution));
    assert_eq!(req.state, RequestState::Resolved);
    let rec = req
        .apply(
            &c,
            RequestAct::ResolutionNotified,
            m("2026-02-24T11:00"),
            &staff(),
        )
        .unwrap();
    assert!(rec.late);
    assert_eq!(req.state, RequestState::Notified);
    // Fulfilment due Tue 03-03 (5 days from Tue 02-24).
    let mut on_time = req.clone();
    let rec = on_time
        .apply(
            &c,
            RequestAct::Fulfilled { delivery: None },
            m("2026-03-03T10:00"),
            &staff(),
        )
        .unwrap();
    assert!(!rec.late);
    let rec = req
        .apply(
            &c,
            RequestAct::Fulfilled { delivery: None },
            m("2026-03-04T10:00"),
            &staff(),
        )
        .unwrap();
    assert!(rec.late);
    assert_eq!(rec.term, Some(TermId::Fulfilment));
    assert_eq!(req.state, RequestState::Fulfilled);
}

#[test]
fn the_extension_moves_the_resolution_due_date() {
    let c = clock();
    let mut req = file();
    apply_ok(&mut req, RequestAct::Admitted, "2026-02-09T10:00");
    apply_ok(
        &mut req,
        RequestAct::ExtensionNotified { days: None },
        "2026-02-23T10:00",
    );
    // Due Mon 02-23 + 5 = Mon 03-02.
    let mut on_time = req.clone();
    let rec = on_time
        .apply(
            &c,
            resolved(Outcome::PartiallyGranted),
            m("2026-03-02T14:00"),
            &committee(),
        )
        .unwrap();
    assert!(!rec.late);
    let rec = req
        .apply(
            &c,
            resolved(Outcome::PartiallyGranted),
            m("2026-03-03T10:00"),
            &committee(),
        )
        .unwrap();
    assert!(rec.late);
}

// ---------------------------------------------------------------------------------------
// Once only: the extension in time, the prevention
// ---------------------------------------------------------------------------------------

#[test]
fn an_extension_after_the_original_due_date_is_out_of_time() {
    let c = clock();
    let mut req = file();
    apply_ok(&mut req, RequestAct::Admitted, "2026-02-09T10:00");
    let before = req.clone();
    // The resolution was due Mon 02-23.
    for (at, notified) in [
        ("2026-02-24T10:00", "2026-02-24"),
        ("2026-02-23T15:00", "2026-02-24"), // at closing time: takes effect on Tue
        ("2026-03-02T10:00", "2026-03-02"),
    ] {
        assert_eq!(
            req.apply(
                &c,
                RequestAct::ExtensionNotified { days: None },
                m(at),
                &staff()
            )
            .unwrap_err(),
            RequestError::ExtensionOutOfTime {
                due: d("2026-02-23"),
                notified: d(notified),
            },
            "extension at {at}"
        );
        assert_eq!(req, before, "a refused extension changed the request");
    }
    // On the last day, before closing, it is in time.
    let rec = req
        .apply(
            &c,
            RequestAct::ExtensionNotified { days: None },
            m("2026-02-23T14:59"),
            &staff(),
        )
        .unwrap();
    assert!(!rec.late);
    assert_eq!(req.state, RequestState::Admitted);
    assert_eq!(
        req.deadlines(&c, d("2026-02-24")).unwrap()[&TermId::Resolution].due,
        d("2026-03-02")
    );
}

#[test]
fn the_extension_of_a_term_restarted_by_a_prevention_counts_from_the_answer() {
    let c = clock();
    let mut req = file();
    apply_ok(&mut req, RequestAct::PreventionNotified, "2026-02-06T10:00");
    apply_ok(&mut req, RequestAct::PreventionAnswered, "2026-02-12T10:00");
    apply_ok(&mut req, RequestAct::Admitted, "2026-02-13T10:00");
    // Resolution due 10 days after Thu 02-12: Thu 02-26.
    let before = req.clone();
    assert_eq!(
        req.apply(
            &c,
            RequestAct::ExtensionNotified { days: None },
            m("2026-02-27T10:00"),
            &staff()
        )
        .unwrap_err(),
        RequestError::ExtensionOutOfTime {
            due: d("2026-02-26"),
            notified: d("2026-02-27"),
        }
    );
    assert_eq!(req, before);
    apply_ok(
        &mut req,
        RequestAct::ExtensionNotified { days: None },
        "2026-02-26T10:00",
    );
}

#[test]
fn a_second_extension_is_refused() {
    let c = clock();
    let (mut req, _) = drive(Setup::AdmittedExtended);
    let before = req.clone();
    assert_eq!(
        req.apply(
            &c,
            RequestAct::ExtensionNotified { days: None },
            m("2026-02-13T10:00"),
            &staff()
        )
        .unwrap_err(),
        RequestError::SecondExtension {
            on: d("2026-02-12")
        }
    );
    assert_eq!(req, before);
}

#[test]
fn a_second_prevention_after_the_first_was_answered_is_refused() {
    let c = clock();
    let mut req = file();
    apply_ok(&mut req, RequestAct::PreventionNotified, "2026-02-06T10:00");
    apply_ok(&mut req, RequestAct::PreventionAnswered, "2026-02-09T10:00");
    assert_eq!(req.state, RequestState::Filed);
    let before = req.clone();
    // Still within the 3 days of art. 52.1, but "por una sola ocasión".
    assert_eq!(
        req.apply(
            &c,
            RequestAct::PreventionNotified,
            m("2026-02-10T10:00"),
            &staff()
        )
        .unwrap_err(),
        RequestError::SecondPrevention {
            on: d("2026-02-06")
        }
    );
    assert_eq!(req, before);
    // Also once admitted.
    apply_ok(&mut req, RequestAct::Admitted, "2026-02-10T10:00");
    let before = req.clone();
    assert_eq!(
        req.apply(
            &c,
            RequestAct::PreventionNotified,
            m("2026-02-11T10:00"),
            &staff()
        )
        .unwrap_err(),
        RequestError::SecondPrevention {
            on: d("2026-02-06")
        }
    );
    assert_eq!(req, before);
}

// ---------------------------------------------------------------------------------------
// The lapse (art. 52.3)
// ---------------------------------------------------------------------------------------

#[test]
fn an_unanswered_prevention_lapses_after_its_last_day() {
    let c = clock();
    let (req, _) = drive(Setup::Prevented);
    // Notified Fri 02-06; 5 days: Mon 02-09 … Fri 02-13.
    for (date, state) in [
        ("2026-02-06", RequestState::Prevented),
        ("2026-02-13", RequestState::Prevented),
        ("2026-02-14", RequestState::NotPresented),
        ("2026-02-16", RequestState::NotPresented),
        ("2027-01-04", RequestState::NotPresented),
    ] {
        assert_eq!(req.state_on(&c, d(date)).unwrap(), state, "on {date}");
    }
    assert_eq!(req.state, RequestState::Prevented);

    // Answered on the last day before closing: on time.
    let mut ok = req.clone();
    let rec = ok
        .apply(
            &c,
            RequestAct::PreventionAnswered,
            m("2026-02-13T14:59"),
            &staff(),
        )
        .unwrap();
    assert!(!rec.late);
    assert_eq!(ok.state, RequestState::Filed);
    assert_eq!(
        ok.state_on(&c, d("2026-03-02")).unwrap(),
        RequestState::Filed
    );

    // At closing time it takes effect on Monday: too late.
    let mut lapsed = req.clone();
    assert_eq!(
        lapsed
            .apply(
                &c,
                RequestAct::PreventionAnswered,
                m("2026-02-13T15:00"),
                &staff()
            )
            .unwrap_err(),
        RequestError::Lapsed {
            act: ActKind::PreventionAnswered,
            due: d("2026-02-13"),
        }
    );
    assert_eq!(lapsed, req);

    // The lapsed file can be closed, and then nothing else.
    apply_ok(&mut lapsed, RequestAct::Closed, "2026-02-16T10:00");
    assert_eq!(lapsed.state, RequestState::Closed);
    assert_eq!(
        lapsed.state_on(&c, d("2026-02-17")).unwrap(),
        RequestState::Closed
    );
    assert_eq!(
        lapsed
            .apply(
                &c,
                RequestAct::PreventionAnswered,
                m("2026-02-17T10:00"),
                &staff()
            )
            .unwrap_err(),
        RequestError::InvalidTransition {
            state: RequestState::Closed,
            act: ActKind::PreventionAnswered,
        }
    );
}

#[test]
fn a_request_rebuilt_from_its_acts_is_the_same_in_every_state() {
    let c = clock();
    for setup in SETUPS {
        let (req, _) = drive(setup);
        let rebuilt = Request::rebuild(&c, req.acts.iter().map(|a| (&a.act, a.at, &a.actor)))
            .unwrap_or_else(|e| panic!("{setup:?}: {e:?}"));
        assert_eq!(rebuilt, req, "{setup:?}");
    }
}
