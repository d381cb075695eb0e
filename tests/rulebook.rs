//! The shipped rulebook matches shared/docs/terms.md, and bad rulebooks are refused with
//! the file, the line and the problem.

use arco::rules::{Actor, Basis, CalendarRole, Event, Rulebook, RulebookError, Rulebooks, TermId};
use chrono::NaiveDate;

const SHIPPED: &str = include_str!("../rulebooks/lpdppsoj-2017.toml");

fn shipped() -> Rulebook {
    Rulebook::parse(SHIPPED, "lpdppsoj-2017.toml").unwrap()
}

#[test]
fn the_shipped_rulebook_has_the_terms_of_terms_md() {
    let b = shipped();
    // (id, days, from, article) straight from shared/docs/terms.md.
    let table: &[(TermId, u32, &str, &str)] = &[
        (TermId::Prevention, 3, "filing", "52.1"),
        (
            TermId::PreventionReply,
            5,
            "prevention_notification",
            "52.1, 52.3",
        ),
        (TermId::Admission, 3, "filing", "53.1"),
        (TermId::IncompetenceNotice, 3, "filing", "54.1"),
        (TermId::RedirectionNotice, 3, "filing", "56"),
        (TermId::OtherProcedureNotice, 3, "filing", "57"),
        (TermId::ImprocedenceNotice, 10, "filing", "55.2"),
        (TermId::Resolution, 10, "admission", "59.1, 52.2"),
        (TermId::ResolutionExtension, 5, "end:resolution", "59.2"),
        (TermId::Fulfilment, 5, "response_notification", "59.3"),
        (
            TermId::AppealWindow,
            15,
            "response_notification",
            "99.1, 99.2",
        ),
        (TermId::ForwardToGuarantor, 1, "appeal_receipt", "99.3"),
        (TermId::AppealRequirement, 5, "appeal_filing", "104.1"),
        (
            TermId::AppealRequirementReply,
            5,
            "requirement_notification",
            "104.2, 104.3",
        ),
        (TermId::AppealTurn, 3, "appeal_filing", "107.I"),
        (TermId::AppealAdmission, 5, "appeal_filing", "105, 107.I"),
        (
            TermId::ConciliationWillingness,
            7,
            "invitation_notification",
            "106.I",
        ),
        (
            TermId::ConciliationHearing,
            7,
            "willingness_received",
            "106.II",
        ),
        (
            TermId::AbsenceJustification,
            3,
            "conciliation_hearing",
            "106.III",
        ),
        (TermId::Allegations, 7, "admission_notification", "107.II"),
        (TermId::FinalStatements, 3, "evidence_hearing", "107.VI"),
        (
            TermId::AppealResolution,
            20,
            "appeal_filing",
            "110.1, 110.2, 110.3",
        ),
        (
            TermId::ResolutionAfterClose,
            10,
            "instruction_closed",
            "107.IX",
        ),
        (TermId::Publication, 3, "resolution_approval", "110.9"),
        (TermId::Compliance, 10, "resolution_notification", "112.1"),
        (
            TermId::ComplianceExtensionRequest,
            3,
            "resolution_notification",
            "136.3",
        ),
        (
            TermId::ComplianceExtensionRuling,
            5,
            "extension_request",
            "136.3",
        ),
        (TermId::ComplianceReport, 3, "end:compliance", "137.1"),
        (TermId::ComplianceVista, 1, "compliance_report", "137.2"),
        (TermId::ComplianceHearingTitular, 5, "vista", "137.2"),
        (TermId::ComplianceRuling, 5, "titular_statement", "138.1"),
        (
            TermId::SuperiorCompliance,
            5,
            "noncompliance_notification",
            "138.2.II",
        ),
    ];
    for &(id, days, from, article) in table {
        let t = b.term(id).unwrap_or_else(|| panic!("missing {id}"));
        assert_eq!(t.days, days, "{id}");
        assert_eq!(t.from.to_string(), from, "{id}");
        assert_eq!(t.article, article, "{id}");
    }
    let res = b.term(TermId::AppealResolution).unwrap();
    assert_eq!(res.extension_days, Some(10));
    assert_eq!(b.term(TermId::Compliance).unwrap().max_days, Some(10));
    assert_eq!(b.term(TermId::Resolution).unwrap().actor, Actor::Committee);
    assert!(
        b.term(TermId::Resolution)
            .unwrap()
            .alt_from
            .contains(&Basis::EndOf(TermId::Admission))
    );
    // The request's terms run on the responsable's calendar, the appeal's on the guarantor's.
    assert_eq!(
        b.term(TermId::AppealWindow).unwrap().calendar,
        CalendarRole::Responsable
    );
    assert_eq!(
        b.term(TermId::AppealAdmission).unwrap().calendar,
        CalendarRole::Guarantor
    );
    assert_eq!(
        b.term(TermId::Admission).unwrap().alt_from,
        vec![Basis::Event(Event::PreventionAnswer)]
    );
}

#[test]
fn a_case_keeps_the_rulebook_in_force_when_filed() {
    let reform = SHIPPED
        .replace("id = \"lpdppsoj-2017\"", "id = \"reforma-2027\"")
        .replace(
            "effective_from = \"2017-07-26\"",
            "effective_from = \"2027-01-01\"",
        )
        .replacen(
            "days = 10\nfrom = \"admission\"",
            "days = 8\nfrom = \"admission\"",
            1,
        );
    let old = SHIPPED.replace(
        "effective_from = \"2017-07-26\"",
        "effective_from = \"2017-07-26\"\neffective_until = \"2026-12-31\"",
    );
    let books = Rulebooks::from_books(vec![
        Rulebook::parse(&old, "old.toml").unwrap(),
        Rulebook::parse(&reform, "reforma.toml").unwrap(),
    ])
    .unwrap();
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let before = books.in_force("mx-jal", d("2026-12-31")).unwrap();
    let after = books.in_force("mx-jal", d("2027-01-01")).unwrap();
    assert_eq!(before.id, "lpdppsoj-2017");
    assert_eq!(after.id, "reforma-2027");
    assert_eq!(before.term(TermId::Resolution).unwrap().days, 10);
    assert_eq!(after.term(TermId::Resolution).unwrap().days, 8);
    assert!(matches!(
        books.in_force("mx-jal", d("2017-07-25")),
        Err(RulebookError::NoneInForce { .. })
    ));
    // Two open-ended rulebooks of one jurisdiction overlap: refused.
    let e = Rulebooks::from_books(vec![shipped(), Rulebook::parse(&reform, "r.toml").unwrap()])
        .unwrap_err();
    assert!(
        e.to_string().contains("en vigor en las mismas fechas"),
        "{e}"
    );
}

fn err_of(text: &str) -> String {
    Rulebook::parse(text, "r.toml").unwrap_err().to_string()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn unknown_ids_are_refused_with_their_line() {
    let bad = SHIPPED.replacen("id = \"appeal_turn\"", "id = \"appeal_tunr\"", 1);
    let e = err_of(&bad);
    let line = line_of(&bad, "appeal_tunr");
    assert!(e.starts_with(&format!("r.toml:{line}:")), "{e}");
    assert!(e.contains("plazo desconocido «appeal_tunr»"), "{e}");
}

#[test]
fn duplicate_terms_are_refused() {
    let dup = format!(
        "{SHIPPED}\n[[term]]\nid = \"prevention\"\nname = \"otra\"\nactor = \"unit\"\ndays = 4\nfrom = \"filing\"\ncalendar = \"responsable\"\narticle = \"52\"\n"
    );
    let e = err_of(&dup);
    assert!(e.contains("«prevention» está repetido"), "{e}");
    assert!(
        e.contains(&format!("línea {}", line_of(&dup, "id = \"prevention\""))),
        "{e}"
    );
}

#[test]
fn bases_must_exist() {
    let bad = SHIPPED.replacen("from = \"end:resolution\"", "from = \"end:resolucion\"", 1);
    assert!(err_of(&bad).contains("base de cómputo desconocida «end:resolucion»"));
    let bad = SHIPPED.replacen("from = \"vista\"", "from = \"la_vista\"", 1);
    assert!(err_of(&bad).contains("base de cómputo desconocida «la_vista»"));
    // A basis naming a term the rulebook lacks: drop breach_notice and point at it.
    let cut = SHIPPED.find("[[term]]\nid = \"breach_notice\"").unwrap();
    let end = SHIPPED[cut..].find("\n\n").map(|i| cut + i).unwrap();
    let bad = format!("{}{}", &SHIPPED[..cut], &SHIPPED[end..]).replacen(
        "from = \"verification_start\"",
        "from = \"end:breach_notice\"",
        1,
    );
    let e = err_of(&bad);
    assert!(
        e.contains("«verification» cuenta desde el fin de «breach_notice», que no está"),
        "{e}"
    );
    // A term that counts from its own end.
    let bad = SHIPPED.replacen(
        "from = \"end:resolution\"",
        "from = \"end:resolution_extension\"",
        1,
    );
    assert!(err_of(&bad).contains("ciclo"));
}

#[test]
fn missing_required_terms_are_listed() {
    let cut = SHIPPED.find("[[term]]\nid = \"fulfilment\"").unwrap();
    let end = SHIPPED[cut..].find("\n\n").map(|i| cut + i).unwrap();
    let bad = format!("{}{}", &SHIPPED[..cut], &SHIPPED[end..]);
    let e = err_of(&bad);
    assert!(
        e.contains("faltan plazos") && e.contains("fulfilment"),
        "{e}"
    );
}

#[test]
fn other_bad_values() {
    assert!(err_of(&SHIPPED.replacen("days = 3", "days = 0", 1)).contains("days = 0"));
    assert!(
        err_of(&SHIPPED.replacen("actor = \"unit\"", "actor = \"ut\"", 1))
            .contains("actor desconocido «ut»")
    );
    assert!(
        err_of(&SHIPPED.replacen("max_days = 10", "max_days = 5", 1))
            .contains("max_days (5) es menor que days (10)")
    );
    assert!(
        err_of(&SHIPPED.replacen(
            "effective_from = \"2017-07-26\"",
            "effective_from = \"26/07/2017\"",
            1
        ))
        .contains("fecha inválida")
    );
    assert!(err_of("id = \"x\"\n").contains("falta el campo"));
}

#[test]
fn builtin_and_directory_agree() {
    let a = Rulebooks::builtin().unwrap();
    let b = Rulebooks::load_dir(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rulebooks"
    )))
    .unwrap();
    assert_eq!(a.all(), b.all());
}
