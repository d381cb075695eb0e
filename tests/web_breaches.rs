//! Issue 17's breach pages in a real browser (same harness as tests/web.rs), on both
//! backends: the demonstration body's UT detects a breach from the form, confirms it, has
//! an analysis refused (the library's message beside the field, what was typed kept),
//! records the analysis and the two notices of art. 40 with the contents of art. 41, and
//! sees the state, the due instant and the hours left change on the case page; then the
//! definitive corrective measures and the closing. The guarantor sees the breach only once
//! it was notified to it, and then only its own act (the investigation of art. 43);
//! the auditor reads it with no forms; another body's staff gets not found. The list's
//! period filter, the bitácora CSV (the library's own, byte for byte), and the refusals
//! of forms without the session's CSRF token, as plain HTTP. Checked with axe-core and
//! photographed under target/screenshots/.

mod common;
mod web_common;

use arco::service::demo::BODY;
use arco::service::{BreachScope, DetectionPeriod};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use common::Backend;
use fantoccini::{Client, Locator};
use web_common::*;

/// `hours` hours before now, on the office clock (a datetime-local value).
fn hours_ago(hours: i64) -> String {
    (Utc::now() - Duration::hours(hours))
        .with_timezone(&chrono_tz::America::Mexico_City)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// An instant as the pages write it.
fn instant(t: DateTime<FixedOffset>) -> String {
    t.format("%d/%m/%Y %H:%M").to_string()
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

/// Ticks a checkbox (no page load follows).
async fn tick(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no está «{css}»: {e}"))
        .click()
        .await
        .unwrap();
}

async fn check(c: &Client, form: &str, name: &str, value: &str) {
    tick(
        c,
        &format!("#acto-{form} input[name='{name}'][value='{value}']"),
    )
    .await;
}

/// Types the act's instant and sends its form from the case page.
async fn send(c: &Client, act: &str, at: &str) {
    set_value(c, &format!("#f-{act}-at"), at).await;
    click(c, &format!("#acto-{act} button[type=submit]")).await;
}

/// The folios listed on /vulneraciones.
async fn listed(c: &Client) -> Vec<String> {
    let mut v = Vec::new();
    for a in c
        .find_all(Locator::Css("#vulneraciones tbody th a"))
        .await
        .unwrap()
    {
        v.push(a.text().await.unwrap());
    }
    v
}

/// Fills every fracción of art. 41.1 in a notice form.
async fn notice(c: &Client, form: &str) {
    select(c, &format!("#f-{form}-notice-nature"), "theft").await;
    check(c, form, "notice.data", "health").await;
    check(c, form, "notice.data", "identification").await;
    check(c, form, "notice.recommendations", "watch_phishing").await;
    check(c, form, "notice.immediate_actions", "access_revoked").await;
    check(c, form, "notice.information", "phone").await;
}

async fn walkthrough(backend: Backend) {
    let tag = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let site = start(backend).await;
    let reg = site.registry().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Signed out: every page to the sign-in form; a form sent without a session too.
    for path in [
        "/vulneraciones",
        "/vulneraciones/nueva",
        "/vulneraciones/bitacora.csv",
    ] {
        let res = http.get(site.url(path)).send().await.unwrap();
        assert!(res.status().is_redirection(), "{path}: {}", res.status());
        let to = res.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/entrar?siguiente="), "{path}: {to}");
    }

    let mut drv = driver().await;
    let c = drv.browser().await;
    sign_in(&c, &site, "ut.demo").await;

    // The list from the navigation: nothing yet.
    click(&c, "nav a[href='/vulneraciones']").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/vulneraciones");
    assert_eq!(
        text_of(&c, "nav a[aria-current='page']").await,
        "Vulneraciones"
    );
    assert!(c.find(Locator::Css("#sin-vulneraciones")).await.is_ok());
    // A body's staff has no body to choose.
    assert!(c.find(Locator::Css("#f-sujeto")).await.is_err());
    axe(&c, "vulneraciones-vacia").await;

    // Detection (art. 39), five hours ago.
    click(&c, "#registrar").await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/vulneraciones/nueva"
    );
    axe(&c, "vulneracion-nueva").await;
    let yesterday = (Utc::now() - Duration::days(1))
        .with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive();
    set_value(&c, "#f-breach_detected-at", &hours_ago(5)).await;
    set_value(&c, "#f-occurred_on", &yesterday.to_string()).await;
    click(&c, "#acto-breach_detected button[type=submit]").await;
    let url = c.current_url().await.unwrap();
    let Some(folio) = url
        .path()
        .strip_prefix("/vulneraciones/")
        .map(str::to_string)
    else {
        panic!("{url}: {}", body_text(&c).await)
    };
    assert!(folio.starts_with(&format!("{BODY}-VS-")), "{folio}");
    assert!(text_of(&c, "#aviso").await.contains("detección"));
    let lib = reg.show_breach(&folio, None, Utc::now()).await.unwrap();
    assert_eq!(text_of(&c, "#estado").await.to_lowercase(), lib.state_label);
    assert_eq!(lib.breach.occurred_on, Some(yesterday));
    assert!(c.find(Locator::Css("#sin-plazos")).await.is_ok());
    // The forms are the acts the library allows now, and no other.
    let allowed = reg
        .allowed_breach_acts(
            &folio,
            arco::case::Role::UnitStaff,
            arco::calendar::Moment::Instant(Utc::now().fixed_offset()),
        )
        .await
        .unwrap();
    assert!(!allowed.is_empty());
    assert_eq!(count(&c, "form.acto").await, allowed.len());
    for k in &allowed {
        assert!(
            c.find(Locator::Css(&format!("#acto-{}", k.as_str())))
                .await
                .is_ok(),
            "falta el formulario de {}",
            k.as_str()
        );
    }
    axe(&c, "vulneracion-detectada").await;

    // The guarantor: nothing of a breach not notified to it, not even its folio.
    let g = drv.browser().await;
    sign_in(&g, &site, "garante.demo").await;
    g.goto(&site.url("/vulneraciones")).await.unwrap();
    assert!(listed(&g).await.is_empty());
    g.goto(&site.url(&format!("/vulneraciones/{folio}")))
        .await
        .unwrap();
    let text = body_text(&g).await;
    assert!(
        text.contains("No encontrado") && !text.contains("En la bitácora"),
        "{text}"
    );

    // Confirmation, four hours ago: the 72 hours start (art. 40).
    let confirmed_at = hours_ago(4);
    select(&c, "#f-breach_confirmed-kind", "theft").await;
    select(&c, "#f-breach_confirmed-cause", "physical_loss").await;
    check(&c, "breach_confirmed", "data", "health").await;
    fill(&c, "#f-breach_confirmed-titulars", "120").await;
    let before = Utc::now();
    send(&c, "breach_confirmed", &confirmed_at).await;
    let after = Utc::now();
    assert!(
        text_of(&c, "#aviso")
            .await
            .contains("confirmación de la vulneración"),
        "{}",
        body_text(&c).await
    );
    let lib = reg.show_breach(&folio, None, Utc::now()).await.unwrap();
    assert_eq!(text_of(&c, "#estado").await.to_lowercase(), lib.state_label);
    let due = lib.breach.notice_due().unwrap();
    assert_eq!(lib.deadlines.len(), 2);
    for id in ["titulares", "garante"] {
        assert_eq!(
            text_of(&c, &format!("#plazo-{id} td:nth-of-type(3)")).await,
            instant(due)
        );
        // 72 hours from four hours ago: 67 or 68 hours left, as the page was drawn.
        let left = text_of(&c, &format!("#plazo-{id} .dias")).await;
        let hours = |t: DateTime<Utc>| (due.with_timezone(&Utc) - t).num_minutes() / 60;
        assert!(
            [hours(before), hours(after)]
                .iter()
                .any(|h| left.starts_with(&format!("Quedan {h} horas"))),
            "{left}"
        );
    }
    let line = text_of(&c, "#linea-bitacora").await;
    assert!(
        line.contains("Robo, extravío o copia no autorizada (art. 38.1.II)")
            && line.contains("Robo o extravío de equipo o documentos")
            && line.contains("datos de salud (sensibles)")
            && line.contains("120"),
        "{line}"
    );
    shot(&c, &format!("{tag}-vulneracion-confirmada")).await;
    axe(&c, "vulneracion-confirmada").await;

    // A significant affectation that names no right: the library's refusal beside the
    // field, what was typed kept, nothing recorded.
    let acts_before = lib.log.len();
    let analysed_at = hours_ago(3);
    select(&c, "#f-breach_analysed-significant", "true").await;
    send(&c, "breach_analysed", &analysed_at).await;
    let summary = text_of(&c, "#resumen-errores").await;
    assert!(
        summary.contains("debe decir qué derechos afecta"),
        "{summary}"
    );
    assert!(
        text_of(&c, "#e-f-breach_analysed-rights")
            .await
            .contains("rights"),
        "{}",
        body_text(&c).await
    );
    assert_eq!(
        c.find(Locator::Css(
            "#f-breach_analysed-significant option[selected]"
        ))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .as_deref(),
        Some("true")
    );
    assert_eq!(
        c.find(Locator::Css("#f-breach_analysed-at"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(analysed_at.as_str())
    );
    assert_eq!(
        reg.show_breach(&folio, None, Utc::now())
            .await
            .unwrap()
            .log
            .len(),
        acts_before
    );
    shot(&c, &format!("{tag}-vulneracion-rechazo")).await;
    axe(&c, "vulneracion-rechazo").await;

    // The analysis: it affects patrimonial rights; notices are owed.
    check(&c, "breach_analysed", "rights", "patrimonial").await;
    send(&c, "breach_analysed", &analysed_at).await;
    assert!(text_of(&c, "#aviso").await.contains("análisis"));
    let lib = reg.show_breach(&folio, None, Utc::now()).await.unwrap();
    assert_eq!(lib.breach.state, arco::breach::BreachState::Significant);
    assert_eq!(text_of(&c, "#estado").await.to_lowercase(), lib.state_label);

    // The notice to the guarantor (arts. 40, 41), two hours ago: met, on time.
    notice(&c, "guarantor_notified").await;
    send(&c, "guarantor_notified", &hours_ago(2)).await;
    assert!(
        text_of(&c, "#aviso")
            .await
            .contains("aviso al órgano garante"),
        "{}",
        body_text(&c).await
    );
    assert!(
        text_of(&c, "#plazo-garante .estado")
            .await
            .contains(arco::case::DeadlineStatus::Met.label_es())
    );
    // The titulares' term still runs, in hours.
    assert!(
        text_of(&c, "#plazo-titulares .dias")
            .await
            .starts_with("Quedan 6")
    );

    // Now the guarantor sees it, with its own act only (art. 43).
    g.goto(&site.url("/vulneraciones")).await.unwrap();
    assert_eq!(listed(&g).await, [folio.as_str()]);
    g.goto(&site.url(&format!("/vulneraciones/{folio}")))
        .await
        .unwrap();
    assert_eq!(count(&g, "form.acto").await, 1);
    assert!(
        g.find(Locator::Css("#acto-investigation_opened"))
            .await
            .is_ok()
    );
    axe(&g, "vulneracion-garante").await;

    // The notice to the titulares, in one part that reaches all of them, an hour ago.
    notice(&c, "titulars_notified").await;
    select(&c, "#f-titulars_notified-means", "email").await;
    fill(&c, "#f-titulars_notified-count", "120").await;
    tick(&c, "#f-titulars_notified-completes").await;
    send(&c, "titulars_notified", &hours_ago(1)).await;
    let lib = reg.show_breach(&folio, None, Utc::now()).await.unwrap();
    assert_eq!(lib.breach.state, arco::breach::BreachState::Notified);
    assert_eq!(text_of(&c, "#estado").await.to_lowercase(), lib.state_label);
    assert!(
        text_of(&c, "#plazo-titulares .estado")
            .await
            .contains(arco::case::DeadlineStatus::Met.label_es())
    );
    // No hours left once met.
    assert!(
        c.find(Locator::Css("#plazo-titulares .dias"))
            .await
            .is_err()
    );
    assert_eq!(lib.bitacora.titulars_reached, 120);
    assert_eq!(count(&c, "#tabla-actos tbody tr").await, lib.log.len());
    shot(&c, &format!("{tag}-vulneracion-avisada")).await;
    axe(&c, "vulneracion-avisada").await;

    // Definitive corrective measures (arts. 39.1.III, 42), then the entry is closed.
    select(&c, "#f-corrective_measures-stage", "definitive").await;
    check(&c, "corrective_measures", "measures", "vulnerability_fixed").await;
    check(
        &c,
        "corrective_measures",
        "measures",
        "security_document_updated",
    )
    .await;
    send(&c, "corrective_measures", &hours_ago(0)).await;
    assert!(
        text_of(&c, "#linea-bitacora")
            .await
            .contains("corrección de la vulnerabilidad"),
        "{}",
        body_text(&c).await
    );
    send(&c, "breach_closed", &hours_ago(0)).await;
    let lib = reg.show_breach(&folio, None, Utc::now()).await.unwrap();
    assert_eq!(lib.breach.state, arco::breach::BreachState::Closed);
    assert_eq!(text_of(&c, "#estado").await.to_lowercase(), lib.state_label);
    assert!(c.find(Locator::Css("#sin-actos")).await.is_ok());
    // The guarantor's previous investigation runs on its own, even after the closing.
    g.goto(&site.url(&format!("/vulneraciones/{folio}")))
        .await
        .unwrap();
    send(&g, "investigation_opened", &hours_ago(0)).await;
    assert!(
        text_of(&g, "#aviso")
            .await
            .contains("investigación previa del órgano garante"),
        "{}",
        body_text(&g).await
    );
    assert!(
        text_of(&g, "#linea-bitacora")
            .await
            .contains("Investigación previa del órgano garante (art. 43)")
    );
    assert!(
        g.find(Locator::Css("#acto-investigation_closed"))
            .await
            .is_ok()
    );
    let lib = reg.show_breach(&folio, None, Utc::now()).await.unwrap();

    // The list: the breach, its state, its notices met.
    c.goto(&site.url("/vulneraciones")).await.unwrap();
    assert_eq!(listed(&c).await, [folio.as_str()]);
    let row = text_of(&c, "#vulneraciones tbody tr").await;
    assert!(row.contains(&instant(due)), "{row}");
    assert!(row.to_lowercase().contains(lib.state_label), "{row}");
    shot(&c, &format!("{tag}-vulneraciones")).await;
    axe(&c, "vulneraciones").await;
    // The period filter, in the URL: none detected from tomorrow on.
    let tomorrow = (Utc::now() + Duration::days(1))
        .with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive();
    set_value(&c, "#f-desde", &tomorrow.to_string()).await;
    click(&c, "#filtro button[type=submit]").await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .query()
            .unwrap_or("")
            .contains(&format!("desde={tomorrow}"))
    );
    assert!(listed(&c).await.is_empty());
    // A reversed period: refused beside «hasta», the form kept.
    c.goto(&site.url("/vulneraciones?desde=2026-06-01&hasta=2026-05-01"))
        .await
        .unwrap();
    assert!(text_of(&c, "#e-hasta").await.contains("termina antes"));
    assert_eq!(
        c.find(Locator::Css("#f-desde"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("2026-06-01")
    );
    axe(&c, "vulneraciones-error").await;

    // The auditor reads it, with no form.
    let a = drv.browser().await;
    sign_in(&a, &site, "auditor.demo").await;
    a.goto(&site.url(&format!("/vulneraciones/{folio}")))
        .await
        .unwrap();
    assert_eq!(
        text_of(&a, "h1").await,
        format!("Vulneración de seguridad {folio}")
    );
    assert_eq!(count(&a, "form.acto").await, 0);
    assert!(a.find(Locator::Css("#sin-actos")).await.is_ok());
    axe(&a, "vulneracion-auditoria").await;
    a.goto(&site.url("/vulneraciones")).await.unwrap();
    assert_eq!(listed(&a).await, [folio.as_str()]);
    assert!(a.find(Locator::Css("#registrar")).await.is_err());
    a.goto(&site.url("/vulneraciones/nueva")).await.unwrap();
    assert_eq!(text_of(&a, "h1").await, "Sin permiso");

    // Another body's staff: not found, and not listed.
    let o = drv.browser().await;
    sign_in(&o, &site, OTHER_USER).await;
    o.goto(&site.url(&format!("/vulneraciones/{folio}")))
        .await
        .unwrap();
    let text = body_text(&o).await;
    assert!(
        text.contains("No encontrado") && text.contains("no existe la vulneración"),
        "{text}"
    );
    o.goto(&site.url("/vulneraciones")).await.unwrap();
    assert!(listed(&o).await.is_empty());
    let other_secret = o
        .get_named_cookie("arco_sesion")
        .await
        .unwrap()
        .value()
        .to_string();

    // Plain HTTP with the UT's session: the bitácora CSV, the refusals.
    let secret = c
        .get_named_cookie("arco_sesion")
        .await
        .unwrap()
        .value()
        .to_string();
    let cookie = format!("arco_sesion={secret}");
    let res = http
        .get(site.url("/vulneraciones/bitacora.csv"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("bitacora")
    );
    let csv = res.text().await.unwrap();
    let lines = reg
        .breach_bitacora(
            &BreachScope::everything(Some(BODY)),
            DetectionPeriod::default(),
        )
        .await
        .unwrap();
    assert_eq!(csv, arco::report::breaches::bitacora_csv(&lines));
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(rows[0].starts_with("\u{feff}Folio,"), "{}", rows[0]);
    assert!(
        rows[1].starts_with(&format!("{folio},{BODY},")),
        "{}",
        rows[1]
    );
    assert!(rows[1].contains("robo, extravío o copia no autorizada"));
    // The same filter as the list: a period with no breach, the header alone.
    let res = http
        .get(site.url(&format!("/vulneraciones/bitacora.csv?desde={tomorrow}")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap().lines().count(), 1);
    let res = http
        .get(site.url("/vulneraciones/bitacora.csv?desde=ayer"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let res = http
        .get(site.url("/vulneraciones?inventado=1"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    // Another body's staff gets the folio as not found (404), and its CSV has no line.
    let res = http
        .get(site.url(&format!("/vulneraciones/{folio}")))
        .header("cookie", format!("arco_sesion={other_secret}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = http
        .get(site.url("/vulneraciones/bitacora.csv"))
        .header("cookie", format!("arco_sesion={other_secret}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap().lines().count(), 1);
    // A form without this session's CSRF token: refused (403), nothing recorded.
    let acts = reg
        .show_breach(&folio, None, Utc::now())
        .await
        .unwrap()
        .log
        .len();
    let body = format!(
        "csrf=ajeno&at={}&stage=definitive&measures=vulnerability_fixed",
        hours_ago(0)
    );
    let res = http
        .post(site.url(&format!("/vulneraciones/{folio}/actos/corrective_measures")))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("CSRF"));
    let res = http
        .post(site.url("/vulneraciones/nueva"))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("at={}", hours_ago(0)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Another body's staff with its own valid token: the folio is not found.
    let other_csrf = o
        .find(Locator::Css(".cuenta input[name=csrf]"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    let res = http
        .post(site.url(&format!("/vulneraciones/{folio}/actos/corrective_measures")))
        .header("cookie", format!("arco_sesion={other_secret}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.replace("csrf=ajeno", &format!("csrf={other_csrf}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let after = reg.show_breach(&folio, None, Utc::now()).await.unwrap();
    assert_eq!(after.log.len(), acts);
    assert_eq!(
        reg.breach_bitacora(&BreachScope::everything(None), DetectionPeriod::default())
            .await
            .unwrap()
            .len(),
        1
    );

    for b in [c, g, a, o] {
        b.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breach_pages_sqlite() {
    walkthrough(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breach_pages_postgres() {
    walkthrough(Backend::Postgres).await;
}
