//! The command line, run as a user runs it. Commands that touch the database run on
//! SQLite and on PostgreSQL (`--database` / `$ARCO_DATABASE_URL`), each on a fresh one.

#[macro_use]
mod common;

use std::process::{Command, Output};

use common::{Backend, TestDb};

fn arco(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arco"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("arco runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn due_prints_the_date_first() {
    let o = arco(&[
        "due",
        "--calendar",
        "mx-jalisco",
        "--at",
        "2026-02-05T16:10:00-06:00",
        "--days",
        "10",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "2026-02-20\n");
    // --days 0 gives the effective date.
    let o = arco(&[
        "due",
        "--calendar",
        "holidays/mx-jalisco.toml",
        "--at",
        "2026-02-05T16:10:00-06:00",
        "--days",
        "0",
    ]);
    assert_eq!(stdout(&o), "2026-02-06\n");
    let o = arco(&[
        "due",
        "--calendar",
        "mx-jalisco",
        "--at",
        "2026-03-13",
        "--days",
        "1",
    ]);
    assert_eq!(stdout(&o), "2026-03-17\n");
}

#[test]
fn due_explains_itself() {
    let o = arco(&[
        "due",
        "--calendar",
        "mx-jalisco",
        "--at",
        "2026-03-13T15:00",
        "--days",
        "2",
        "--explain",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("2026-03-19"));
    // Friday 15:00 → Monday is a holiday → effective Tuesday 17; days 18, 19.
    assert!(
        out.contains("a partir de la hora de cierre (15:00)"),
        "{out}"
    );
    assert!(
        out.contains("2026-03-14 (sábado): no es día hábil — fin de semana (sábado)"),
        "{out}"
    );
    assert!(
        out.contains(
            "2026-03-16 (lunes): no es día hábil — día inhábil: Natalicio de Benito Juárez"
        ),
        "{out}"
    );
    assert!(
        out.contains("Surte efectos (día 0): 2026-03-17 (martes)"),
        "{out}"
    );
    assert!(out.contains("día   2  2026-03-19 (jueves)"), "{out}");
    assert!(
        out.trim_end()
            .ends_with("Vence: 2026-03-19 (jueves) a las 15:00"),
        "{out}"
    );
}

#[test]
fn bad_input_is_a_spanish_error_and_a_failure() {
    let o = arco(&[
        "due",
        "--calendar",
        "mx-jalisco",
        "--at",
        "ayer",
        "--days",
        "3",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("fecha u hora inválida «ayer»"),
        "{}",
        stderr(&o)
    );
    let o = arco(&[
        "due",
        "--calendar",
        "mx-jalisco",
        "--at",
        "2100-12-20",
        "--days",
        "30",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("termina después de 2100-12-31"),
        "{}",
        stderr(&o)
    );
    let o = arco(&[
        "due",
        "--calendar",
        "no-existe",
        "--at",
        "2026-01-01",
        "--days",
        "3",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("no se encontró el calendario «no-existe»"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn calendar_check_summarises_or_says_what_is_wrong() {
    let o = arco(&["calendar", "check", "holidays/mx-jalisco.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with("válido: «Jalisco: días de descanso obligatorio»"),
        "{out}"
    );
    assert!(out.contains("12 días festivos"), "{out}");

    let dir = std::env::temp_dir().join(format!("arco-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("malo.toml");
    std::fs::write(&bad, "name = \"malo\"\ncloses = \"15:00\"\n\n[[holiday]]\nname = \"x\"\nmonth = 2\nweekday = \"lunes\"\nnth = 0\n").unwrap();
    let o = arco(&["calendar", "check", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("malo.toml:8:") && err.contains("nth = 0"),
        "{err}"
    );
}

#[test]
fn calendar_days_lists_every_non_business_day() {
    let o = arco(&[
        "calendar",
        "days",
        "--calendar",
        "ejemplo-organismo",
        "--from",
        "2026-03-28",
        "--to",
        "2026-04-06",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "2026-03-28\tfin de semana (sábado)\n\
         2026-03-29\tfin de semana (domingo)\n\
         2026-04-02\tdía inhábil: Jueves Santo\n\
         2026-04-03\tdía inhábil: Viernes Santo\n\
         2026-04-04\tfin de semana (sábado)\n\
         2026-04-05\tfin de semana (domingo)\n"
    );
    let o = arco(&[
        "calendar",
        "days",
        "--calendar",
        "mx-jalisco",
        "--from",
        "2026-04-06",
        "--to",
        "2026-04-01",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("es posterior a la fecha final"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn terms_lists_articles() {
    let o = arco(&["terms"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("lpdppsoj-2017"), "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("appeal_resolution "))
        .unwrap();
    assert!(
        line.contains("20+10") && line.contains("art. 110.1"),
        "{line}"
    );
    let o = arco(&["terms", "--rulebook", "otro"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no hay reglamento «otro»"));
}

on_both_backends_sync!(demo_files_a_sample_request_in_the_database);
fn demo_files_a_sample_request_in_the_database(backend: Backend) {
    let db = TestDb::new(backend);
    let o = arco_db(&db, &["demo", "--at", "2026-02-05T16:10:00-06:00"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Folio: DEMO-ARCO-2026-00001"), "{out}");
    assert!(out.contains("Surte efectos: 2026-02-06"), "{out}");
    assert!(out.contains("2026-02-11  Prevención al titular"), "{out}");
    assert!(
        out.contains("2026-02-25  Resolución del Comité de Transparencia"),
        "{out}"
    );
    assert!(
        out.contains("2026-03-19  Plazo para interponer el recurso de revisión"),
        "{out}"
    );
    assert!(out.contains("1 expedientes"), "{out}");
    // A second run adds a second request to the same file.
    let o = arco_db(&db, &["demo", "--at", "2026-02-06T10:00:00-06:00"]);
    assert!(stdout(&o).contains("DEMO-ARCO-2026-00002") && stdout(&o).contains("2 expedientes"));
}

fn arco_db(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arco"))
        .args(args)
        .env("ARCO_DATABASE_URL", &db.url)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("arco runs")
}

#[test]
fn replay_prints_the_case_as_json() {
    let o = arco(&["replay", "examples/histories/issue-example.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["state"], "notified");
    assert_eq!(v["deadlines"]["resolution"]["due"], "2026-03-05");
    assert_eq!(v["deadlines"]["resolution"]["status"], "met");
    assert_eq!(v["deadlines"]["appeal_window"]["status"], "pending");
    assert_eq!(v["deadlines"]["fulfilment"]["due"], "2026-03-09");
}

#[test]
fn replay_of_an_invalid_history_fails_with_the_typed_error() {
    let dir = std::env::temp_dir().join(format!("arco-cli-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.json");
    std::fs::write(
        &f,
        r#"{"calendar": "mx-jalisco", "as_of": "2026-03-01T00:00:00Z", "right": "access", "events": [
            {"act": "filed", "at": "2026-02-05T10:00:00-06:00"},
            {"act": "prevention_notified", "at": "2026-02-06T10:00:00-06:00"},
            {"act": "prevention_answered", "at": "2026-02-09T10:00:00-06:00"},
            {"act": "prevention_notified", "at": "2026-02-10T10:00:00-06:00"}]}"#,
    )
    .unwrap();
    let o = arco(&["replay", f.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("evento 4 («prevention_notified»)") && err.contains("una sola ocasión"),
        "{err}"
    );
}

on_both_backends_sync!(staff_file_act_show_list_and_verify);
fn staff_file_act_show_list_and_verify(backend: Backend) {
    let db = TestDb::new(backend);
    let o = arco_db(
        &db,
        &[
            "request",
            "file",
            "--right",
            "rectification",
            "--at",
            "2026-02-05T16:10:00-06:00",
            "--body",
            "SEJ",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("ACUSE DE RECIBO") && out.contains("Folio: SEJ-ARCO-2026-00001"),
        "{out}"
    );
    assert!(out.contains("Surte efectos: 2026-02-06"), "{out}");
    assert!(
        out.contains("2026-02-25  Resolución del Comité de Transparencia"),
        "{out}"
    );

    let folio = "SEJ-ARCO-2026-00001";
    // Admitted late (due 11 Feb): recorded and flagged.
    let o = arco_db(
        &db,
        &[
            "request",
            "act",
            folio,
            "admitted",
            "--at",
            "2026-02-12T10:00",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("EXTEMPORÁNEO"), "{}", stdout(&o));
    // The Comité resolves (default role for the act).
    let o = arco_db(
        &db,
        &[
            "request",
            "act",
            folio,
            "resolved",
            "--outcome",
            "granted",
            "--at",
            "2026-02-20T10:00",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Staff cannot resolve.
    let o = arco_db(
        &db,
        &[
            "request",
            "act",
            folio,
            "resolved",
            "--outcome",
            "granted",
            "--role",
            "unit_staff",
        ],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("corresponde a: Comité de Transparencia"),
        "{}",
        stderr(&o)
    );
    // A bad act name and a bad outcome are explained.
    let o = arco_db(&db, &["request", "act", folio, "notificado"]);
    assert!(
        stderr(&o).contains("acto desconocido «notificado»"),
        "{}",
        stderr(&o)
    );
    let o = arco_db(
        &db,
        &["request", "act", folio, "resolved", "--outcome", "yes"],
    );
    assert!(stderr(&o).contains("valor desconocido"), "{}", stderr(&o));

    let o = arco_db(
        &db,
        &[
            "request",
            "act",
            folio,
            "resolution_notified",
            "--at",
            "2026-02-23T10:00",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = arco_db(
        &db,
        &[
            "request",
            "act",
            folio,
            "fulfilled",
            "--at",
            "2026-02-24T10:00",
            "--modality",
            "simple_copy",
            "--pages",
            "25",
            "--page-cost",
            "100",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));

    let o = arco_db(&db, &["request", "show", folio, "--as-of", "2026-02-25"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Estado al 2026-02-25: derecho hecho efectivo"),
        "{out}"
    );
    assert!(out.contains("cumplido fuera de plazo"), "{out}");
    assert!(out.contains("día 0: 2026-02-06 (viernes)"), "{out}");

    let o = arco_db(&db, &["request", "show", folio, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["deadlines"]["admission"]["status"], "late");
    assert_eq!(v["log"][2]["role"], "committee");

    let o = arco_db(
        &db,
        &[
            "request",
            "file",
            "--right",
            "access",
            "--at",
            "2026-03-02T10:00",
            "--body",
            "SEJ",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = arco_db(
        &db,
        &["request", "list", "--as-of", "2026-03-10", "--overdue"],
    );
    let out = stdout(&o);
    assert!(
        out.contains("SEJ-ARCO-2026-00002") && !out.contains("SEJ-ARCO-2026-00001"),
        "{out}"
    );
    assert!(out.contains("admission"), "{out}");
    let o = arco_db(&db, &["request", "list", "--state", "fulfilled"]);
    assert!(stdout(&o).contains("SEJ-ARCO-2026-00001") && stdout(&o).contains("1 expedientes"));
    let o = arco_db(&db, &["request", "list", "--state", "feliz"]);
    assert!(stderr(&o).contains("estado desconocido «feliz»"));

    let o = arco_db(&db, &["verify"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("2 expedientes verificados, 0 diferencias"));
    let o = arco_db(&db, &["request", "show", "NO-EXISTE"]);
    assert!(stderr(&o).contains("no existe el expediente «NO-EXISTE»"));
}

on_both_backends_sync!(import_loads_histories_and_reports_each_rejected_one);
fn import_loads_histories_and_reports_each_rejected_one(backend: Backend) {
    let db = TestDb::new(backend);
    let dir = db.scratch.clone();
    let good = include_str!("../examples/histories/issue-example.json").replace('\n', " ");
    let bad = r#"{"calendar": "mx-jalisco", "right": "access", "events": [{"act": "filed", "at": "2026-02-05"}, {"act": "resolution_notified", "at": "2026-02-06"}]}"#;
    std::fs::write(
        dir.join("lote.jsonl"),
        format!("{good}\n{bad}\n{good}\nnot json\n"),
    )
    .unwrap();
    let o = arco_db(
        &db,
        &[
            "import",
            "--quiet",
            "--body",
            "SEJ",
            dir.join("lote.jsonl").to_str().unwrap(),
        ],
    );
    assert!(
        !o.status.success(),
        "rejections make the exit code non-zero"
    );
    assert!(
        stdout(&o).contains("2 importados, 2 rechazados"),
        "{}",
        stdout(&o)
    );
    let err = stderr(&o);
    assert!(
        err.contains("lote.jsonl:2: evento 2 («resolution_notified»)"),
        "{err}"
    );
    assert!(err.contains("lote.jsonl:4: historial inválido"), "{err}");
    let o = arco_db(&db, &["verify"]);
    assert!(
        stdout(&o).contains("2 expedientes verificados, 0 diferencias"),
        "{}",
        stdout(&o)
    );
}

on_both_backends_sync!(guarantor_files_and_follows_an_appeal);
fn guarantor_files_and_follows_an_appeal(backend: Backend) {
    let db = TestDb::new(backend);
    let ok = |o: Output| {
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    ok(arco_db(
        &db,
        &[
            "request",
            "file",
            "--right",
            "access",
            "--at",
            "2026-05-29T15:00:00-06:00",
            "--body",
            "SEJ",
        ],
    ));
    // Filed with the UT on 25 June for lack of response (window open to 10 July).
    let out = ok(arco_db(
        &db,
        &[
            "appeal",
            "file",
            "--request",
            "SEJ-ARCO-2026-00001",
            "--venue",
            "unit",
            "--ground",
            "VII",
            "--at",
            "2026-06-25T10:00",
            "--role",
            "unit_staff",
            "--body",
            "ITEI",
        ],
    ));
    assert!(
        out.contains("Recurso registrado: ITEI-RR-2026-00001"),
        "{out}"
    );
    assert!(
        out.contains("Remisión del recurso al órgano garante"),
        "{out}"
    );
    let folio = "ITEI-RR-2026-00001";
    // Forwarded by the UT the next day; the guarantor may not forward it.
    let o = arco_db(
        &db,
        &[
            "appeal",
            "act",
            folio,
            "appeal_forwarded",
            "--at",
            "2026-06-26T10:00",
            "--role",
            "guarantor",
        ],
    );
    assert!(
        stderr(&o).contains("corresponde a: personal de la Unidad de Transparencia"),
        "{}",
        stderr(&o)
    );
    ok(arco_db(
        &db,
        &[
            "appeal",
            "act",
            folio,
            "appeal_forwarded",
            "--at",
            "2026-06-26T10:00",
        ],
    ));
    ok(arco_db(
        &db,
        &[
            "appeal",
            "act",
            folio,
            "appeal_admitted",
            "--at",
            "2026-06-29T10:00",
        ],
    ));
    let o = arco_db(
        &db,
        &[
            "appeal",
            "act",
            folio,
            "appeal_resolved",
            "--at",
            "2026-07-10T10:00",
            "--outcome",
            "revoked",
        ],
    );
    assert!(
        stderr(&o).contains("falta compliance_days"),
        "{}",
        stderr(&o)
    );
    ok(arco_db(
        &db,
        &[
            "appeal",
            "act",
            folio,
            "appeal_resolved",
            "--at",
            "2026-07-10T10:00",
            "--outcome",
            "revoked",
            "--compliance-days",
            "5",
        ],
    ));
    ok(arco_db(
        &db,
        &[
            "appeal",
            "act",
            folio,
            "appeal_resolution_notified",
            "--at",
            "2026-07-13T10:00",
        ],
    ));
    let o = arco_db(
        &db,
        &[
            "appeal",
            "act",
            folio,
            "fine_imposed",
            "--days",
            "3",
            "--uma",
            "200",
        ],
    );
    assert!(
        stderr(&o).contains("no procede en el estado «compliance»"),
        "{}",
        stderr(&o)
    );

    // The request's own record shows what the appeal ordered: comply by 20 July
    // (5 days from 13 July: 14, 15, 16, 17, 20).
    let out = ok(arco_db(
        &db,
        &[
            "request",
            "show",
            "SEJ-ARCO-2026-00001",
            "--as-of",
            "2026-07-14",
        ],
    ));
    assert!(
        out.contains(
            "Recurso de revisión ITEI-RR-2026-00001: en cumplimiento, revoca la respuesta"
        ),
        "{out}"
    );
    assert!(
        out.contains("debe cumplir a más tardar el 2026-07-20"),
        "{out}"
    );
    let v: serde_json::Value = serde_json::from_str(&ok(arco_db(
        &db,
        &["appeal", "show", folio, "--as-of", "2026-07-14", "--json"],
    )))
    .unwrap();
    assert_eq!(v["appeal"]["state"], "compliance");
    assert_eq!(v["deadlines"]["appeal_window"]["status"], "met");
    assert_eq!(v["deadlines"]["compliance"]["due"], "2026-07-20");
    assert_eq!(v["deadlines"]["publication"]["status"], "met");

    let out = ok(arco_db(
        &db,
        &["appeal", "list", "--as-of", "2026-07-30", "--overdue"],
    ));
    assert!(
        out.contains(folio) && out.contains("compliance_report"),
        "{out}"
    );
    let out = ok(arco_db(&db, &["verify"]));
    assert!(
        out.contains("2 expedientes verificados, 0 diferencias"),
        "{out}"
    );
}

on_both_backends_sync!(import_keeps_an_appeal_with_its_request);
fn import_keeps_an_appeal_with_its_request(backend: Backend) {
    let db = TestDb::new(backend);
    let o = arco_db(
        &db,
        &[
            "import",
            "--quiet",
            "examples/histories/appeal-example.json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = arco_db(&db, &["appeal", "list", "--as-of", "2026-10-23", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["state"], "arrested");
    assert_eq!(v[0]["request"], "UT-ARCO-2026-00001");
    let o = arco_db(&db, &["verify"]);
    assert!(
        stdout(&o).contains("2 expedientes verificados, 0 diferencias"),
        "{}",
        stdout(&o)
    );
}

on_both_backends_sync!(a_calendar_change_moves_open_cases_and_is_recorded);
fn a_calendar_change_moves_open_cases_and_is_recorded(backend: Backend) {
    let db = TestDb::new(backend);
    let dir = db.scratch.clone();
    let cal = dir.join("organismo.toml");
    let cal_s = cal.to_str().unwrap();
    std::fs::write(&cal, "name = \"Organismo\"\nextends = \"mx-jalisco\"\n").unwrap();
    let ok = |o: Output| {
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    ok(arco_db(
        &db,
        &[
            "request",
            "file",
            "--right",
            "access",
            "--at",
            "2026-02-05T10:00",
            "--calendar",
            cal_s,
            "--body",
            "ORG",
        ],
    ));
    ok(arco_db(
        &db,
        &[
            "request",
            "file",
            "--right",
            "access",
            "--at",
            "2026-02-05T10:00",
            "--body",
            "OTRO",
        ],
    ));
    // A closure on 9–10 February is announced: admission (due 10 Feb) moves to 12 Feb.
    std::fs::write(
        &cal,
        "name = \"Organismo\"\nextends = \"mx-jalisco\"\n[[closure]]\nname = \"Cierre por mudanza\"\nfrom = \"2026-02-09\"\nto = \"2026-02-10\"\n",
    )
    .unwrap();
    let out = ok(arco_db(
        &db,
        &[
            "calendar",
            "apply",
            cal_s,
            "--reason",
            "Acuerdo 12/2026",
            "--dry-run",
        ],
    ));
    assert!(
        out.contains("ORG-ARCO-2026-00001\tadmission\t2026-02-10 → 2026-02-12"),
        "{out}"
    );
    assert!(!out.contains("OTRO-ARCO"), "{out}");
    assert!(out.contains("1 expedientes quedarían"), "{out}");
    let out = ok(arco_db(&db, &["request", "show", "ORG-ARCO-2026-00001"]));
    assert!(
        !out.contains("cambio de calendario"),
        "a dry run writes nothing: {out}"
    );
    let out = ok(arco_db(
        &db,
        &["calendar", "apply", cal_s, "--reason", "Acuerdo 12/2026"],
    ));
    assert!(out.contains("1 expedientes actualizados"), "{out}");
    let out = ok(arco_db(
        &db,
        &[
            "request",
            "show",
            "ORG-ARCO-2026-00001",
            "--as-of",
            "2026-02-06",
        ],
    ));
    assert!(out.contains("cambio de calendario"), "{out}");
    assert!(
        out.contains("2026-02-12  Admisión de la solicitud"),
        "{out}"
    );
    let out = ok(arco_db(
        &db,
        &["calendar", "apply", cal_s, "--reason", "otra vez"],
    ));
    assert!(out.contains("0 expedientes actualizados"), "{out}");
    let out = ok(arco_db(&db, &["verify"]));
    assert!(
        out.contains("2 expedientes verificados, 0 diferencias"),
        "{out}"
    );
    // The act after the change still works.
    ok(arco_db(
        &db,
        &[
            "request",
            "act",
            "ORG-ARCO-2026-00001",
            "admitted",
            "--at",
            "2026-02-11T10:00",
        ],
    ));
}

on_both_backends_sync!(alerts_preview_and_a_run_without_a_mail_server_explain_themselves);
fn alerts_preview_and_a_run_without_a_mail_server_explain_themselves(backend: Backend) {
    let db = TestDb::new(backend);
    let dir = db.scratch.clone();
    let cfg = dir.join("alertas.toml");
    std::fs::write(
        &cfg,
        "[recipients.default]\nunit = [\"ut@organismo.gob.mx\"]\n",
    )
    .unwrap();
    let o = arco_db(
        &db,
        &[
            "request",
            "file",
            "--right",
            "access",
            "--at",
            "2026-02-05T10:00",
            "--body",
            "SEJ",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = arco_db(
        &db,
        &[
            "alerts",
            "preview",
            "--as-of",
            "2026-02-05",
            "--config",
            cfg.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Para: ut@organismo.gob.mx"), "{out}");
    assert!(
        out.contains("Asunto: arco: 1 plazo requiere atención — 2026-02-05"),
        "{out}"
    );
    assert!(
        out.contains("Vence en 3 días hábiles: Admisión de la solicitud"),
        "{out}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_arco"))
        .args([
            "alerts",
            "run",
            "--as-of",
            "2026-02-05",
            "--config",
            cfg.to_str().unwrap(),
        ])
        .env("ARCO_DATABASE_URL", &db.url)
        .env_remove("ARCO_SMTP_URL")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("falta el servidor de correo"),
        "{}",
        stderr(&o)
    );
    std::fs::write(&cfg, "[thresholds]\nresolucion = [3]\n").unwrap();
    let o = arco_db(
        &db,
        &["alerts", "preview", "--config", cfg.to_str().unwrap()],
    );
    assert!(
        stderr(&o).contains("plazo desconocido «resolucion»"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn migrate_creates_and_migrates_a_postgres_database_that_open_refuses_before() {
    let db = TestDb::absent();
    let o = arco_db(&db, &["request", "list"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("la base de datos no existe") && stderr(&o).contains("arco migrate"),
        "{}",
        stderr(&o)
    );
    let o = arco_db(&db, &["migrate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Se creó la base de datos"), "{out}");
    assert!(out.contains("aplicada: 20261124000001 schema"), "{out}");
    assert!(out.contains("aplicada: 20261124000002 accounts"), "{out}");
    assert!(
        out.contains("aplicada: 20261124000003 list indexes"),
        "{out}"
    );
    assert!(
        out.contains("aplicada: 20261201000001 one feed token"),
        "{out}"
    );
    assert!(out.contains("aplicada: 20261202000001 documents"), "{out}");
    assert!(out.contains("aplicada: 20261202000002 expediente"), "{out}");
    assert!(
        out.contains("aplicada: 20261202000003 list columns"),
        "{out}"
    );
    assert!(
        out.contains("aplicada: 20261202000004 list generations"),
        "{out}"
    );
    assert!(
        out.contains("aplicada: 20261203000001 alert ticks"),
        "{out}"
    );
    assert!(
        out.contains("aplicada: 20261203000002 social accounts"),
        "{out}"
    );
    assert!(
        out.contains("aplicada: 20261203000003 gestor email"),
        "{out}"
    );
    assert!(
        out.contains("aplicada: 20261208000001 external folio column"),
        "{out}"
    );
    assert!(out.contains("12 migraciones aplicadas"), "{out}");
    let o = arco_db(&db, &["migrate"]);
    assert!(
        stdout(&o).contains("al día, ninguna migración pendiente"),
        "{}",
        stdout(&o)
    );
    let o = arco_db(&db, &["request", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("0 expedientes"), "{}", stdout(&o));

    // Created but never migrated: open names the pending migration and the command.
    let bare = TestDb::unmigrated(Backend::Postgres);
    let o = arco_db(&bare, &["verify"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("12 migraciones pendientes (20261124000001 schema, 20261124000002 accounts, 20261124000003 list indexes, 20261201000001 one feed token, 20261202000001 documents, 20261202000002 expediente, 20261202000003 list columns, 20261202000004 list generations, 20261203000001 alert ticks, 20261203000002 social accounts, 20261203000003 gestor email, 20261208000001 external folio column)")
            && err.contains("ejecute `arco migrate`"),
        "{err}"
    );
}

#[test]
fn migrate_on_sqlite_applies_every_migration_once() {
    let db = TestDb::unmigrated(Backend::Sqlite);
    let o = arco_db(&db, &["migrate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("16 migraciones aplicadas"),
        "{}",
        stdout(&o)
    );
    let o = arco_db(&db, &["migrate"]);
    assert!(stdout(&o).contains("al día"), "{}", stdout(&o));
}

/// The lines of an export after its header, parsed (key order aside).
fn export_body(path: &std::path::Path) -> Vec<serde_json::Value> {
    common::lines(path)
        .iter()
        .skip(1)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

on_both_backends_sync!(export_import_and_verify_move_an_install_to_the_other_backend);
fn export_import_and_verify_move_an_install_to_the_other_backend(from: Backend) {
    let to = match from {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    };
    let src = TestDb::new(from);
    let ok = |o: Output| {
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    ok(arco_db(
        &src,
        &[
            "import",
            "--quiet",
            "examples/histories/appeal-example.json",
        ],
    ));
    ok(arco_db(
        &src,
        &[
            "request",
            "file",
            "--right",
            "opposition",
            "--at",
            "2026-03-02T10:00",
            "--body",
            "SEJ",
            "--titular-email",
            "titular@correo.mx",
        ],
    ));
    ok(arco_db(
        &src,
        &[
            "request",
            "act",
            "SEJ-ARCO-2026-00001",
            "prevention_notified",
            "--at",
            "2026-03-03T10:00",
        ],
    ));
    // The directory goes too: a body, an account, its API token.
    ok(arco_db(
        &src,
        &["admin", "add-body", "SEJ", "--name", "Secretaría"],
    ));
    ok(arco_db(
        &src,
        &[
            "admin",
            "add-account",
            "sis",
            "--name",
            "Sistema",
            "--body",
            "SEJ",
            "--role",
            "unit_staff",
        ],
    ));
    let token = ok(arco_db(&src, &["admin", "token", "sis"]))
        .trim()
        .to_string();
    assert!(token.starts_with("arco_"), "{token}");
    let file = src.file("instalacion.jsonl");
    let f = file.to_str().unwrap();
    let out = ok(arco_db(&src, &["export", "--quiet", f]));
    assert!(
        out.contains("Exportados: 3 expedientes (")
            && out.contains("1 contactos")
            && out.contains("directorio: 1 sujetos obligados, 1 cuentas, 1 tokens"),
        "{out}"
    );
    assert!(!out.contains("titular@correo.mx"), "{out}");
    assert!(!std::fs::read_to_string(&file).unwrap().contains(&token));
    let header: serde_json::Value = serde_json::from_str(&common::lines(&file)[0]).unwrap();
    assert_eq!(header["format"], "arco-export");
    // An export never overwrites a file.
    let o = arco_db(&src, &["export", f]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("ya existe"), "{}", stderr(&o));

    let dst = TestDb::new(to);
    let out = ok(arco_db(&dst, &["import", "--quiet", f]));
    assert!(out.contains("Importados: 3 expedientes"), "{out}");
    let out = ok(arco_db(&dst, &["verify", "--against", f]));
    assert!(
        out.contains("3 expedientes comparados")
            && out.contains("3 expedientes verificados, 0 diferencias"),
        "{out}"
    );
    assert!(out.contains(", 0 diferencias\n"), "{out}");
    // The target is no longer empty: a second import is refused.
    let o = arco_db(&dst, &["import", "--quiet", f]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no está vacía"), "{}", stderr(&o));
    // Exported again from the other backend: the same install, line for line.
    let back = dst.file("de-vuelta.jsonl");
    ok(arco_db(
        &dst,
        &["export", "--quiet", back.to_str().unwrap()],
    ));
    assert_eq!(export_body(&back), export_body(&file));
    // The token made on the source is known to the target: it can be revoked there.
    let mut revoke = Command::new(env!("CARGO_BIN_EXE_arco"))
        .args(["admin", "revoke"])
        .env("ARCO_DATABASE_URL", &dst.url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut revoke.stdin.take().unwrap(),
        format!("{token}\n").as_bytes(),
    )
    .unwrap();
    let out = ok(revoke.wait_with_output().unwrap());
    assert!(out.contains("Token revocado"), "{out}");
    // ...and the comparison sees that, without showing the token.
    let o = arco_db(&dst, &["verify", "--against", f]);
    assert!(!o.status.success());
    let out = stdout(&o);
    assert!(
        out.contains("tokens: token api «integración» de sis, creado ")
            && out.contains(": revoked_at: exportado null, en la base de datos \""),
        "{out}"
    );
    assert!(!out.contains(&token[5..15]), "{out}");
    let digest = arco::accounts::token_digest(&token);
    assert!(!out.contains(&digest), "{out}");
    // The moved install goes on: the next folio follows, and an act is recorded.
    let out = ok(arco_db(
        &dst,
        &[
            "request",
            "file",
            "--right",
            "access",
            "--at",
            "2026-03-04T10:00",
            "--body",
            "SEJ",
        ],
    ));
    assert!(out.contains("Folio: SEJ-ARCO-2026-00002"), "{out}");
    ok(arco_db(
        &dst,
        &[
            "request",
            "act",
            "SEJ-ARCO-2026-00001",
            "prevention_answered",
            "--at",
            "2026-03-05T10:00",
        ],
    ));
    // ...and now differs from the export, case by case.
    let o = arco_db(&dst, &["verify", "--against", f]);
    assert!(!o.status.success());
    let out = stdout(&o);
    assert!(
        out.contains("SEJ-ARCO-2026-00001: events: exportados 2 elementos, en la base de datos 3"),
        "{out}"
    );
    assert!(
        out.contains("SEJ-ARCO-2026-00002: está en la base de datos pero no en la exportación"),
        "{out}"
    );
    assert!(
        stderr(&o).contains("no coincide con la exportación"),
        "{}",
        stderr(&o)
    );

    // A file cut short is refused before anything is written.
    let lines = common::lines(&file);
    let cut = src.file("cortado.jsonl");
    std::fs::write(&cut, lines[..lines.len() - 1].join("\n") + "\n").unwrap();
    let fresh = TestDb::new(to);
    let o = arco_db(&fresh, &["import", "--quiet", cut.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("falta la línea final"),
        "{}",
        stderr(&o)
    );
    let out = ok(arco_db(&fresh, &["verify"]));
    assert!(out.contains("0 expedientes verificados"), "{out}");
}

on_both_backends_sync!(the_expediente_from_the_command_line);
fn the_expediente_from_the_command_line(backend: Backend) {
    let db = TestDb::new(backend);
    let o = arco_db(
        &db,
        &[
            "request",
            "file",
            "--right",
            "access",
            "--at",
            "2026-11-02T10:00",
            "--body",
            "SEJ",
            "--channel",
            "pnt",
            "--external-folio",
            "140287926000777",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["reception"]["channel"], "pnt");
    assert_eq!(v["reception"]["external_folio"], "140287926000777");
    let folio = v["folio"].as_str().unwrap().to_string();
    let o = arco_db(
        &db,
        &["request", "file", "--right", "access", "--channel", "fax"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--channel"), "{}", stderr(&o));
    // A representative needs the instrument of personalidad (art. 48.4.II.c).
    let o = arco_db(
        &db,
        &[
            "request",
            "act",
            &folio,
            "identity_accredited",
            "--at",
            "2026-11-02T11:00",
            "--standing",
            "representative",
            "--means",
            "official_id",
        ],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("48.4.II.c"), "{}", stderr(&o));
    let o = arco_db(
        &db,
        &[
            "request",
            "act",
            &folio,
            "identity_accredited",
            "--at",
            "2026-11-02T11:00",
            "--standing",
            "representative",
            "--means",
            "official_id",
            "--instrument",
            "power_letter",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["identity"]["instrument"], "power_letter");
    let o = arco_db(
        &db,
        &[
            "request",
            "assign",
            &folio,
            "--area",
            "Dirección de Archivo",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("área Dirección de Archivo"),
        "{}",
        stdout(&o)
    );
    let o = arco_db(&db, &["request", "assign", &folio, "--to", "nadie"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("nadie"), "{}", stderr(&o));
    let o = arco_db(&db, &["request", "forget-notes", &folio]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("se borraron 0 notas"), "{}", stdout(&o));
}

on_both_backends_sync!(report_counts_what_was_filed);
/// `arco report`: the text report, the folios behind a number, JSON, CSV and the register,
/// for every body or one; a bad period is an error that says so.
fn report_counts_what_was_filed(backend: Backend) {
    let db = TestDb::new(backend);
    for (body, at) in [
        ("SEJ", "2026-02-05"),
        ("SEJ", "2026-02-09"),
        ("SSJ", "2026-02-10"),
    ] {
        let o = arco_db(
            &db,
            &[
                "request", "file", "--right", "access", "--at", at, "--body", body,
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = arco_db(
        &db,
        &[
            "request",
            "act",
            "SEJ-ARCO-2026-00001",
            "admitted",
            "--at",
            "2026-02-06",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let feb = ["--from", "2026-02-01", "--to", "2026-02-28"];
    let run = |extra: &[&str]| {
        let mut args = vec!["report", "requests"];
        args.extend(feb);
        args.extend(extra);
        let o = arco_db(&db, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    let text = run(&["--group-by", "body"]);
    assert!(
        text.contains("del 1 de febrero de 2026 al 28 de febrero de 2026"),
        "{text}"
    );
    assert!(text.contains("\tSEJ\tSSJ\tTotal\n"), "{text}");
    assert!(text.contains("\nRecibidas\t2\t1\t3\n"), "{text}");
    assert!(text.contains("\nAdmitidas\t1\t0\t1\n"), "{text}");
    assert!(text.contains("Definiciones"), "{text}");
    assert_eq!(
        run(&[
            "--body",
            "SEJ",
            "--cases",
            "timeliness/term_admission/missed"
        ]),
        "SEJ-ARCO-2026-00002\tSEJ\t2026-02-09\tfiled\n"
    );
    let json: serde_json::Value = serde_json::from_str(&run(&["--json"])).unwrap();
    assert_eq!(json["tables"][0]["rows"][0]["cells"][0]["count"], 3);
    let csv = run(&["--csv"]);
    assert!(
        csv.contains("Solicitudes,Recibidas,received,Total,3\r\n"),
        "{csv}"
    );
    let o = arco_db(
        &db,
        &["report", "register", "--year", "2026", "--body", "SSJ"],
    );
    let register = stdout(&o);
    assert_eq!(register.lines().count(), 2, "{register}");
    assert!(
        register.contains("SSJ-ARCO-2026-00001,SSJ,access,"),
        "{register}"
    );
    let o = arco_db(
        &db,
        &[
            "report",
            "requests",
            "--year",
            "2026",
            "--from",
            "2026-01-01",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no ambos"), "{}", stderr(&o));
    let o = arco_db(&db, &["report", "requests", "--cases", "requests/nada"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("requests/nada"), "{}", stderr(&o));
}

on_both_backends_sync!(appeal_report_counts_an_appeal);
/// `arco report appeals`: an appeal filed with the UT for lack of response counts as
/// received, filed with the UT, on ground VII; its folio is the one behind the number.
fn appeal_report_counts_an_appeal(backend: Backend) {
    let db = TestDb::new(backend);
    let ok = |o: Output| {
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    ok(arco_db(
        &db,
        &[
            "request",
            "file",
            "--right",
            "access",
            "--at",
            "2026-05-29T15:00:00-06:00",
            "--body",
            "SEJ",
        ],
    ));
    ok(arco_db(
        &db,
        &[
            "appeal",
            "file",
            "--request",
            "SEJ-ARCO-2026-00001",
            "--venue",
            "unit",
            "--ground",
            "VII",
            "--at",
            "2026-06-25T10:00",
            "--role",
            "unit_staff",
            "--body",
            "ITEI",
        ],
    ));
    let june = [
        "report",
        "appeals",
        "--from",
        "2026-06-01",
        "--to",
        "2026-06-30",
    ];
    let text = ok(arco_db(&db, &june));
    assert!(
        text.contains("Recursos de revisión presentados del 1 de junio de 2026"),
        "{text}"
    );
    assert!(text.contains("\nRecibidos\t1\n"), "{text}");
    let mut cases = june.to_vec();
    cases.extend(["--cases", "appeals/received"]);
    let out = ok(arco_db(&db, &cases));
    assert!(out.starts_with("ITEI-RR-2026-00001\tITEI\tSEJ\t"), "{out}");
    let mut csv = june.to_vec();
    csv.extend(["--csv", "--group-by", "right"]);
    let out = ok(arco_db(&db, &csv));
    assert!(
        out.contains(",received,Fracción VII del art. 100,1\r\n"),
        "{out}"
    );
    let may = ok(arco_db(
        &db,
        &[
            "report",
            "appeals",
            "--from",
            "2026-05-01",
            "--to",
            "2026-05-31",
            "--json",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&may).unwrap();
    assert_eq!(
        v["tables"][0]["rows"][0]["cells"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["count"],
        0
    );
}
