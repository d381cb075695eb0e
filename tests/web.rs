//! The staff web interface in a real browser (headless Chromium through chromedriver),
//! against `arco serve`'s router on port 0 over a fresh database, on both backends: sign
//! in, file a request and print its acuse, notify a prevention and its answer and see the
//! resolution's due date move, an act the law refuses, two sessions on one case, the
//! Comité resolving, another body's staff seeing nothing, sign out and the back button.
//! Every page is checked with axe-core and photographed under target/screenshots/.

mod common;
mod web_common;

use chrono::{Duration, Utc};
use common::Backend;
use fantoccini::{Client, Locator};
use web_common::*;

/// `days` days before today in Mexico City, at `time` there (a datetime-local value).
/// The walkthrough files, prevents and answers at fixed hours of past days, not at the
/// hour it happens to run: an answer given now could fall after office hours and take
/// effect on the very day the resolution's term was already counted from.
fn local_day(days: i64, time: &str) -> String {
    let today = Utc::now()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive();
    format!("{}T{time}", today - Duration::days(days))
}

fn office(t: chrono::DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::America::Mexico_City)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The due date of a term as the case page shows it.
async fn due_on_page(c: &Client, term: &str) -> String {
    text_of(c, &format!("#plazo-{term} td:nth-of-type(3)")).await
}

/// What the library says the same term's due date is, as the page writes dates.
async fn due_in_library(site: &Site, folio: &str, term: &str) -> String {
    let d = site
        .registry()
        .await
        .show(folio, None, Utc::now())
        .await
        .unwrap();
    let t = d
        .timeline
        .iter()
        .find(|t| t.term.as_str() == term)
        .unwrap_or_else(|| panic!("sin plazo {term}"));
    let date = t.view.due;
    let wd = [
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
    ][chrono::Datelike::weekday(&date).num_days_from_monday() as usize];
    format!("{wd} {}", date.format("%d/%m/%Y"))
}

/// Opens an act's form, types its date, asks for the preview.
async fn preview(c: &Client, site: &Site, folio: &str, act: &str, at: &str) {
    c.goto(&site.url(&format!("/solicitudes/{folio}/actos/{act}")))
        .await
        .unwrap();
    set_value(c, "#f-at", at).await;
    click(c, "form.formulario button[type=submit]").await;
}

async fn confirm(c: &Client) {
    if c.find(Locator::Css(".confirmar")).await.is_err() {
        panic!("no hay confirmación: {}", body_text(c).await);
    }
    click(c, ".confirmar button[type=submit]").await;
}

async fn walkthrough(backend: Backend) {
    let tag = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let site = start(backend).await;
    let mut drv = driver().await;
    let c = drv.browser().await;

    // Signed out, any page leads to the sign-in form, which comes back to it afterwards.
    c.goto(&site.url("/solicitudes")).await.unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("/entrar?siguiente=%2Fsolicitudes")
    );
    shot(&c, &format!("{tag}-entrar")).await;
    axe(&c, "entrar").await;
    // A wrong password: the error, and no session.
    fill(&c, "#usuario", "ut.demo").await;
    fill(&c, "#contrasena", "no-es-la-contrasena").await;
    click(&c, "form button[type=submit]").await;
    assert!(
        text_of(&c, "#resumen-errores")
            .await
            .contains("usuario o contraseña incorrectos")
    );
    sign_in(&c, &site, "ut.demo").await;

    // Home: Mis pendientes.
    c.goto(&site.url("/")).await.unwrap();
    let home = body_text(&c).await;
    assert!(
        home.contains("Mis pendientes") && home.contains("Vencidos"),
        "{home}"
    );
    assert!(
        c.find(Locator::Css("table tbody tr")).await.is_ok(),
        "la demostración tiene plazos próximos"
    );
    shot(&c, &format!("{tag}-inicio")).await;
    axe(&c, "inicio").await;
    // Each count links to the list filtered the same way.
    let link = c
        .find(Locator::Css(".tablero a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    c.goto(&site.url(&link)).await.unwrap();
    assert!(
        c.find(Locator::Css("table tbody tr")).await.is_ok(),
        "la lista de {link} está vacía"
    );
    shot(&c, &format!("{tag}-lista")).await;
    axe(&c, "lista").await;

    // File a request three days ago, then its acuse.
    let filed_at = local_day(3, "09:00");
    c.goto(&site.url("/solicitudes/nueva")).await.unwrap();
    axe(&c, "nueva solicitud").await;
    select(&c, "#f-right", "access").await;
    set_value(&c, "#f-at", &filed_at).await;
    click(&c, "form.formulario button[type=submit]").await;
    let url = c.current_url().await.unwrap();
    assert!(
        url.path().ends_with("/acuse"),
        "{url}: {}",
        body_text(&c).await
    );
    let folio = text_of(&c, ".acuse dd strong").await;
    assert!(folio.starts_with("DEMO-ARCO-"), "{folio}");
    assert!(body_text(&c).await.contains("art. 49.3"));
    shot(&c, &format!("{tag}-acuse")).await;
    axe(&c, "acuse").await;
    let css = reqwest::get(site.url("/estaticos/arco.css"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(css.contains("@media print"), "hoja de estilo de impresión");

    // The resolution's due date before and after a prevention and its answer.
    c.goto(&site.url(&format!("/solicitudes/{folio}")))
        .await
        .unwrap();
    let before = due_on_page(&c, "resolution").await;
    assert_eq!(before, due_in_library(&site, &folio, "resolution").await);
    shot(&c, &format!("{tag}-expediente")).await;
    axe(&c, "expediente").await;
    // Prevention the same day as the filing (within its 3 days).
    let prevented_at = local_day(3, "09:30");
    preview(&c, &site, &folio, "prevention_notified", &prevented_at).await;
    assert!(
        text_of(&c, ".confirmar")
            .await
            .contains("Qué hará este acto")
    );
    shot(&c, &format!("{tag}-confirmar")).await;
    axe(&c, "confirmar").await;
    confirm(&c).await;
    assert!(
        text_of(&c, "main")
            .await
            .contains("Quedó registrado: Notificación de la prevención")
    );
    // Answered yesterday, in office hours: the resolution counts again from the answer
    // (art. 52.2). The answer takes effect at most on the second business day after the
    // filing's, before the admission's due date the resolution was counted from.
    let answered_at = local_day(1, "10:00");
    preview(&c, &site, &folio, "prevention_answered", &answered_at).await;
    confirm(&c).await;
    let after = due_on_page(&c, "resolution").await;
    assert_eq!(after, due_in_library(&site, &folio, "resolution").await);
    assert_ne!(
        before, after,
        "el desahogo de la prevención debió mover la resolución"
    );

    // An act the law refuses: a second prevention (art. 52.1), in the summary.
    preview(&c, &site, &folio, "prevention_notified", &answered_at).await;
    let summary = text_of(&c, "#resumen-errores").await;
    assert!(summary.contains("no se puede registrar"), "{summary}");
    assert!(
        c.find(Locator::Css(".confirmar")).await.is_err(),
        "un acto rechazado no se confirma"
    );
    shot(&c, &format!("{tag}-rechazo")).await;
    axe(&c, "rechazo").await;
    // A date in the future: the error beside the date field.
    let tomorrow = office(Utc::now() + Duration::days(1));
    preview(&c, &site, &folio, "admitted", &tomorrow).await;
    assert!(
        text_of(&c, "#e-at").await.contains("posterior"),
        "error junto a la fecha"
    );
    assert_eq!(
        c.find(Locator::Css("#f-at"))
            .await
            .unwrap()
            .attr("aria-invalid")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );

    // Two sessions on one case: both preview the admission; the second to confirm sees
    // the conflict, with what it typed kept.
    let c2 = drv.browser().await;
    sign_in(&c2, &site, "jefa.demo").await;
    let now = office(Utc::now() - Duration::minutes(2));
    preview(&c, &site, &folio, "admitted", &now).await;
    preview(&c2, &site, &folio, "admitted", &now).await;
    confirm(&c).await;
    assert!(
        text_of(&c, "main")
            .await
            .contains("Quedó registrado: Admisión")
    );
    confirm(&c2).await;
    let conflict = text_of(&c2, "#resumen-errores").await;
    assert!(
        conflict.contains("Otra persona actuó") && conflict.contains("ut.demo"),
        "{conflict}"
    );
    assert_eq!(
        c2.find(Locator::Css("#f-at"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(now.as_str())
    );
    shot(&c2, &format!("{tag}-conflicto")).await;
    let log = site
        .registry()
        .await
        .show(&folio, None, Utc::now())
        .await
        .unwrap()
        .log;
    assert_eq!(
        log.iter().filter(|e| e.act == "admitted").count(),
        1,
        "una sola admisión"
    );

    // The Comité resolves.
    let c3 = drv.browser().await;
    sign_in(&c3, &site, "comite.demo").await;
    c3.goto(&site.url(&format!("/solicitudes/{folio}")))
        .await
        .unwrap();
    click(
        &c3,
        &format!("a[href='/solicitudes/{folio}/actos/resolved']"),
    )
    .await;
    set_value(&c3, "#f-at", &office(Utc::now() - Duration::minutes(1))).await;
    select(&c3, "#f-outcome", "granted").await;
    click(&c3, "form.formulario button[type=submit]").await;
    confirm(&c3).await;
    let page = text_of(&c3, "main").await;
    assert!(
        page.contains("Quedó registrado: Resolución del Comité"),
        "{page}"
    );
    let d = site
        .registry()
        .await
        .show(&folio, None, Utc::now())
        .await
        .unwrap();
    assert_eq!(d.view.state.as_str(), "resolved");
    assert_eq!(d.log.last().unwrap().actor, "comite.demo");

    // Another body's staff member gets nothing: not the case, not in the lists.
    let c4 = drv.browser().await;
    sign_in(&c4, &site, OTHER_USER).await;
    c4.goto(&site.url(&format!("/solicitudes/{folio}")))
        .await
        .unwrap();
    let text = body_text(&c4).await;
    assert!(
        text.contains("No encontrado") && !text.contains("Actuaciones"),
        "{text}"
    );
    shot(&c4, &format!("{tag}-ajeno")).await;
    axe(&c4, "ajeno").await;
    c4.goto(&site.url("/solicitudes")).await.unwrap();
    assert!(
        !body_text(&c4).await.contains("DEMO-"),
        "otra dependencia no ve folios de DEMO"
    );
    c4.goto(&site.url(&format!("/solicitudes/{folio}/actos/admitted")))
        .await
        .unwrap();
    assert!(!body_text(&c4).await.contains("Datos del acto"));

    // Appeals, the appeal's page and the calendar, for the guarantor's staff.
    let c5 = drv.browser().await;
    sign_in(&c5, &site, "garante.demo").await;
    c5.goto(&site.url("/recursos")).await.unwrap();
    shot(&c5, &format!("{tag}-recursos")).await;
    axe(&c5, "recursos").await;
    let appeal = c5
        .find(Locator::Css("table tbody th a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    c5.goto(&site.url(&appeal)).await.unwrap();
    assert!(body_text(&c5).await.contains("Recurso de revisión"));
    shot(&c5, &format!("{tag}-recurso")).await;
    axe(&c5, "recurso").await;
    c5.goto(&site.url("/calendario")).await.unwrap();
    let cal = body_text(&c5).await;
    assert!(
        cal.contains("Días inhábiles") && cal.contains("fin de semana"),
        "{cal}"
    );
    shot(&c5, &format!("{tag}-calendario")).await;
    axe(&c5, "calendario").await;

    // Sign out; the back button shows nothing of the case.
    c.goto(&site.url(&format!("/solicitudes/{folio}")))
        .await
        .unwrap();
    click(&c, ".cuenta form button").await;
    assert!(body_text(&c).await.contains("Cerró su sesión"));
    c.back().await.unwrap();
    let back = body_text(&c).await;
    assert!(
        !back.contains("Actuaciones") && back.contains("Iniciar sesión"),
        "{back}"
    );

    for b in [c, c2, c3, c4, c5] {
        b.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_walkthrough_sqlite() {
    walkthrough(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_walkthrough_postgres() {
    walkthrough(Backend::Postgres).await;
}
