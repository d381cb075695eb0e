//! The command line, run as a user runs it.

use std::process::{Command, Output};

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

#[test]
fn demo_prints_the_deadlines_of_a_sample_request() {
    let o = arco(&["demo", "--at", "2026-02-05T16:10:00-06:00"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Surte efectos: 2026-02-06"), "{out}");
    assert!(out.contains("2026-02-11  prevention"), "{out}");
    assert!(out.contains("2026-02-25  resolution "), "{out}");
    assert!(out.contains("2026-03-19  appeal_window"), "{out}");
}
