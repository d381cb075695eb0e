//! Issue 18's staff pages in a real browser (same harness as tests/web.rs), on both
//! backends: the demonstration body's UT enters an account from the form (first refused,
//! the library's message beside the field and what was typed kept), adds a gestor, records
//! the gestor leaving and sees the warning that the passwords must be changed (`002_…`,
//! Décima quinta) until it records the rotation, has a change refused, and marks the
//! account compromised, landing on the breach it opened. The auditor reads the account
//! with no forms; another body's staff gets not found. The public directory (a page and a
//! CSV, the library's own byte for byte) needs no session; forms without the session's
//! CSRF token are refused. On a request: point it to a post of the account, record that
//! the post was removed with no preservation record and see the library's warning, and
//! erase it. Checked with axe-core and photographed under target/screenshots/.

mod common;
mod web_common;

use arco::service::demo::BODY;
use arco::service::social::directory_csv;
use arco::social::Account;
use arco::storage::SocialStore;
use chrono::{NaiveDate, Utc};
use common::Backend;
use fantoccini::{Client, Locator};
use web_common::*;

fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive()
}

fn now_local() -> String {
    Utc::now()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

async fn present(c: &Client, css: &str) -> bool {
    c.find(Locator::Css(css)).await.is_ok()
}

async fn value_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no está «{css}»: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// The account as the library rebuilt and stored it.
async fn stored(site: &Site, id: i64) -> Account {
    let reg = site.registry().await;
    let (s, _, _) = reg.store().social_account(id).await.unwrap().unwrap();
    serde_json::from_str(&s.data).unwrap()
}

/// The session's secret and the CSRF token of the page shown.
async fn session(c: &Client) -> (String, String) {
    let secret = c
        .get_named_cookie("arco_sesion")
        .await
        .unwrap()
        .value()
        .to_string();
    let csrf = c
        .find(Locator::Css(".cuenta input[name=csrf]"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    (secret, csrf)
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
    // Signed out: the staff pages go to the sign-in form; the directory is public.
    for path in [
        "/redes-sociales",
        "/redes-sociales/nueva",
        "/redes-sociales/1",
    ] {
        let res = http.get(site.url(path)).send().await.unwrap();
        assert!(res.status().is_redirection(), "{path}: {}", res.status());
        let to = res.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/entrar?siguiente="), "{path}: {to}");
    }
    for path in [
        "/redes-sociales/directorio",
        "/redes-sociales/directorio.csv",
    ] {
        let res = http.get(site.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }

    let mut drv = driver().await;
    let c = drv.browser().await;
    sign_in(&c, &site, "ut.demo").await;

    // The register from the navigation: empty.
    click(&c, "nav a[href='/redes-sociales']").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/redes-sociales");
    assert_eq!(
        text_of(&c, "nav a[aria-current='page']").await,
        "Redes sociales"
    );
    assert!(present(&c, "#sin-cuentas").await);
    axe(&c, "redes-vacia").await;

    // A new account whose handle has a space: the library's refusal beside the field,
    // everything typed kept, nothing entered.
    click(&c, "#registrar").await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/redes-sociales/nueva"
    );
    axe(&c, "redes-nueva").await;
    select(&c, "#f-registered-platform", "x").await;
    fill(&c, "#f-registered-handle", "Comunicación DEMO").await;
    fill(&c, "#f-registered-url", "https://x.com/ComDemo").await;
    select(&c, "#f-registered-kind", "official").await;
    fill(&c, "#f-registered-area", "Comunicación Social").await;
    click(&c, "#cambio-registered button[type=submit]").await;
    let summary = text_of(&c, "#resumen-errores").await;
    assert!(summary.contains("no lleva espacios"), "{summary}");
    assert!(
        text_of(&c, "#e-f-registered-handle")
            .await
            .contains("el nombre de la cuenta no lleva espacios")
    );
    assert_eq!(
        value_of(&c, "#f-registered-handle").await,
        "Comunicación DEMO"
    );
    assert_eq!(
        value_of(&c, "#f-registered-area").await,
        "Comunicación Social"
    );
    assert_eq!(
        value_of(&c, "#f-registered-url").await,
        "https://x.com/ComDemo"
    );
    assert_eq!(value_of(&c, "#f-registered-platform").await, "x");
    assert_eq!(value_of(&c, "#f-registered-kind").await, "official");
    assert!(
        reg.social_directory(None, today())
            .await
            .unwrap()
            .is_empty()
    );
    shot(&c, &format!("{tag}-redes-rechazo")).await;
    axe(&c, "redes-rechazo").await;

    // Corrected: entered, and its page opens.
    fill(&c, "#f-registered-handle", "@ComDemo").await;
    click(&c, "#cambio-registered button[type=submit]").await;
    let url = c.current_url().await.unwrap();
    let Some(id) = url
        .path()
        .strip_prefix("/redes-sociales/")
        .and_then(|s| s.parse::<i64>().ok())
    else {
        panic!("{url}: {}", body_text(&c).await)
    };
    assert!(text_of(&c, "#aviso").await.contains("alta en el registro"));
    assert_eq!(text_of(&c, "h1").await, "Cuenta @ComDemo en X (Twitter)");
    let lines = reg.social_directory(Some(BODY), today()).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0].id, lines[0].handle.as_str()), (id, "@ComDemo"));
    assert!(present(&c, "#sin-gestores").await);
    // An official account is not "run by an área" (Décima novena): no such form.
    assert!(!present(&c, "#cambio-run_by_area").await);
    assert!(!present(&c, "#cambio-gestor_left").await);
    axe(&c, "redes-cuenta").await;

    // A gestor.
    fill(&c, "#f-gestor_added-name", "Luis Gómez").await;
    select(&c, "#f-gestor_added-kind", "servant").await;
    fill(&c, "#f-gestor_added-position", "Jefe de redes").await;
    fill(&c, "#f-gestor_added-email", "luis.gomez@sej.gob.mx").await;
    click(&c, "#cambio-gestor_added button[type=submit]").await;
    assert!(
        text_of(&c, "#aviso").await.contains("nuevo gestor"),
        "{}",
        body_text(&c).await
    );
    assert!(text_of(&c, "#gestores").await.contains("Luis Gómez"));
    // The address is kept for the alerts, never shown.
    assert!(
        !c.source().await.unwrap().contains("luis.gomez@"),
        "the gestor's address is on the page"
    );
    assert!(!present(&c, "#rotacion-pendiente").await);

    // The gestor leaves: the passwords must be changed (Décima quinta).
    select(&c, "#f-gestor_left-gestor", "1").await;
    click(&c, "#cambio-gestor_left button[type=submit]").await;
    assert!(text_of(&c, "#aviso").await.contains("dejó la cuenta"));
    let warning = text_of(&c, "#rotacion-pendiente").await;
    assert!(
        warning.contains("Deben cambiarse las contraseñas")
            && warning.contains("Luis Gómez")
            && warning.contains("Décima quinta"),
        "{warning}"
    );
    let a = stored(&site, id).await;
    assert_eq!(a.rotation_pending().len(), 1);
    assert!(a.rotation_owed_since.is_some());
    assert!(present(&c, "#sin-gestores").await);
    assert!(
        text_of(&c, "#gestores-anteriores")
            .await
            .contains("Luis Gómez")
    );
    shot(&c, &format!("{tag}-redes-rotacion")).await;
    axe(&c, "redes-rotacion").await;

    // The rotation is recorded: the warning goes.
    click(&c, "#cambio-passwords_rotated button[type=submit]").await;
    assert!(
        text_of(&c, "#aviso")
            .await
            .contains("cambio de contraseñas")
    );
    assert!(!present(&c, "#rotacion-pendiente").await);
    let a = stored(&site, id).await;
    assert!(a.rotation_pending().is_empty());
    assert_eq!(a.rotated_on, Some(today()));

    // A change the library refuses: beside the field, what was typed kept.
    fill(&c, "#f-edited-url", "ftp://x.com/ComDemo").await;
    fill(&c, "#f-edited-area", "Dirección de Comunicación").await;
    click(&c, "#cambio-edited button[type=submit]").await;
    assert!(
        text_of(&c, "#e-f-edited-url").await.contains("https://"),
        "{}",
        body_text(&c).await
    );
    assert_eq!(
        value_of(&c, "#f-edited-area").await,
        "Dirección de Comunicación"
    );
    assert_eq!(stored(&site, id).await.area, "Comunicación Social");
    axe(&c, "redes-cambio-rechazado").await;

    // The history: every change, who and when, names from the service.
    let a = stored(&site, id).await;
    assert_eq!(count(&c, "#historial tbody tr").await, a.changes.len());
    let history = text_of(&c, "#historial").await;
    assert!(
        history.contains("Luis Gómez") && history.contains("ut.demo"),
        "{history}"
    );

    // The former gestor's data are erased: the history keeps that gestor 1 came and
    // went, and when; the name, position and address are gone from the database.
    click(&c, "#suprimir-gestor-1 button[type=submit]").await;
    assert!(
        text_of(&c, "#aviso")
            .await
            .contains("Se suprimieron el nombre, el cargo y el correo del gestor 1"),
        "{}",
        body_text(&c).await
    );
    let past = text_of(&c, "#gestores-anteriores").await;
    assert!(
        past.contains("(nombre suprimido)") && past.contains("Suprimidos"),
        "{past}"
    );
    assert!(!present(&c, "#suprimir-gestor-1").await);
    assert!(!text_of(&c, "#historial").await.contains("Luis Gómez"));
    assert_eq!(count(&c, "#historial tbody tr").await, a.changes.len());
    assert!(
        stored(&site, id)
            .await
            .gestores
            .iter()
            .all(|g| g.name != "Luis Gómez")
    );

    // Someone else took it over: a breach opens, and the page goes to it.
    set_value(&c, "#f-compromised-at", &now_local()).await;
    click(&c, "#cambio-compromised button[type=submit]").await;
    let url = c.current_url().await.unwrap();
    let Some(breach) = url
        .path()
        .strip_prefix("/vulneraciones/")
        .map(str::to_string)
    else {
        panic!("{url}: {}", body_text(&c).await)
    };
    assert!(breach.starts_with(&format!("{BODY}-VS-")), "{breach}");
    assert!(text_of(&c, "#aviso").await.contains("detección"));
    c.goto(&site.url(&format!("/redes-sociales/{id}")))
        .await
        .unwrap();
    assert_eq!(text_of(&c, "#vulneraciones-cuenta").await, breach);
    assert_eq!(stored(&site, id).await.breaches, [breach.as_str()]);

    // The list: the account, and the links to the directory.
    c.goto(&site.url("/redes-sociales")).await.unwrap();
    let row = text_of(&c, "#cuentas tbody tr").await;
    assert!(
        row.contains("@ComDemo") && row.contains("Comunicación Social") && row.contains("en uso"),
        "{row}"
    );
    shot(&c, &format!("{tag}-redes")).await;
    axe(&c, "redes").await;

    // A request about a post of the account (`000_…`, Quinto).
    let folio = site.demo.cases.last().unwrap().clone();
    c.goto(&site.url(&format!("/solicitudes/{folio}")))
        .await
        .unwrap();
    assert!(present(&c, "#sin-publicacion").await);
    assert!(!present(&c, "#form-accion-publicacion").await);
    select(&c, "#f-pub-account", &id.to_string()).await;
    let post = "https://x.com/ComDemo/status/1890000000000000001";
    fill(&c, "#f-pub-post", post).await;
    fill(&c, "#f-pub-captured", &today().to_string()).await;
    click(&c, "#form-publicacion button[type=submit]").await;
    assert!(
        body_text(&c)
            .await
            .contains("Quedó registrada la publicación"),
        "{}",
        body_text(&c).await
    );
    assert!(text_of(&c, "#datos-publicacion").await.contains(post));
    let p = reg.store().publication(&folio).await.unwrap().unwrap();
    assert_eq!((p.account_id, p.post.as_str()), (id, post));
    // Removed with no preservation record: recorded, with the library's warning.
    select(&c, "#f-pub-action", "removed").await;
    click(&c, "#form-accion-publicacion button[type=submit]").await;
    let warning = text_of(&c, "#aviso-preservacion").await;
    assert!(
        warning.contains("sin constancia de preservación") && warning.contains("Décima séptima"),
        "{warning}"
    );
    assert_eq!(
        text_of(&c, "#accion-publicacion").await,
        "Publicación eliminada"
    );
    assert_eq!(text_of(&c, "#preservacion").await, "no");
    let p = reg.store().publication(&folio).await.unwrap().unwrap();
    assert_eq!(
        (p.action.as_deref(), p.preserved),
        (Some("removed"), Some(false))
    );
    shot(&c, &format!("{tag}-solicitud-publicacion")).await;
    axe(&c, "solicitud-publicacion").await;
    // A post the library refuses (a line break): beside the field, nothing changed.
    let (secret, csrf) = session(&c).await;
    let cookie = format!("arco_sesion={secret}");
    let res = http
        .post(site.url(&format!("/solicitudes/{folio}/publicacion")))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "csrf={csrf}&account_id={id}&post=una%0Adirecci%C3%B3n&captured_at="
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("campo «post»"));
    assert_eq!(
        reg.store().publication(&folio).await.unwrap().unwrap().post,
        post
    );
    // Without the CSRF token: refused.
    let res = http
        .post(site.url(&format!("/solicitudes/{folio}/publicacion/suprimir")))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(reg.store().publication(&folio).await.unwrap().is_some());

    // The auditor: reads the account and the request's publication, with no form.
    let a = drv.browser().await;
    sign_in(&a, &site, "auditor.demo").await;
    a.goto(&site.url(&format!("/redes-sociales/{id}")))
        .await
        .unwrap();
    assert_eq!(text_of(&a, "h1").await, "Cuenta @ComDemo en X (Twitter)");
    assert_eq!(count(&a, "form.cambio").await, 0);
    assert!(present(&a, "#sin-formularios").await);
    axe(&a, "redes-auditoria").await;
    a.goto(&site.url("/redes-sociales")).await.unwrap();
    assert!(text_of(&a, "#cuentas").await.contains("@ComDemo"));
    assert!(!present(&a, "#registrar").await);
    a.goto(&site.url("/redes-sociales/nueva")).await.unwrap();
    assert_eq!(text_of(&a, "h1").await, "Sin permiso");
    a.goto(&site.url(&format!("/solicitudes/{folio}")))
        .await
        .unwrap();
    assert!(text_of(&a, "#datos-publicacion").await.contains(post));
    assert!(!present(&a, "#form-publicacion").await);
    assert!(!present(&a, "#form-suprimir-publicacion").await);

    // Erased: nothing of the post is left.
    click(&c, "#form-suprimir-publicacion button[type=submit]").await;
    assert!(body_text(&c).await.contains("Se suprimió"));
    assert!(present(&c, "#sin-publicacion").await);
    assert!(reg.store().publication(&folio).await.unwrap().is_none());

    // Another body's staff: not found, and not listed.
    let o = drv.browser().await;
    sign_in(&o, &site, OTHER_USER).await;
    o.goto(&site.url(&format!("/redes-sociales/{id}")))
        .await
        .unwrap();
    let text = body_text(&o).await;
    assert!(
        text.contains("No encontrado") && !text.contains("@ComDemo"),
        "{text}"
    );
    o.goto(&site.url("/redes-sociales")).await.unwrap();
    assert!(present(&o, "#sin-cuentas").await);
    let (other_secret, other_csrf) = session(&o).await;

    // The public directory, without a session: the page, and the library's CSV.
    let p = drv.browser().await;
    p.goto(&site.url("/redes-sociales/directorio"))
        .await
        .unwrap();
    assert!(text_of(&p, "#directorio").await.contains("@ComDemo"));
    axe(&p, "redes-directorio").await;
    for q in ["", "?sujeto=DEMO"] {
        let res = http
            .get(site.url(&format!("/redes-sociales/directorio.csv{q}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        let csv = res.text().await.unwrap();
        let body = q.strip_prefix("?sujeto=");
        let lines = reg.social_directory(body, today()).await.unwrap();
        assert_eq!(csv, directory_csv(&lines));
        assert_eq!(csv.lines().count(), 2, "{csv}");
        assert!(csv.contains("@ComDemo"));
    }
    let res = http
        .get(site.url("/redes-sociales/directorio.csv?sujeto=OTRA"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap().lines().count(), 1);
    let res = http
        .get(site.url("/redes-sociales/directorio.csv?formato=xls"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    // Forms without the session's CSRF token: refused (403), nothing recorded.
    let changes = stored(&site, id).await.changes.len();
    let res = http
        .post(site.url(&format!("/redes-sociales/{id}/cambios/passwords_rotated")))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("csrf=ajeno")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("CSRF"));
    let res = http
        .post(site.url("/redes-sociales/nueva"))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("platform=x&handle=%40Otra&kind=official&area=A")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = http
        .post(site.url(&format!("/redes-sociales/{id}/comprometida")))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // A field the form does not have: refused naming it (a password, say).
    let res = http
        .post(site.url(&format!("/redes-sociales/{id}/cambios/passwords_rotated")))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&password=secreta"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("campo desconocido «password»")
    );
    // Another body's staff with its own valid token: not found.
    let res = http
        .post(site.url(&format!("/redes-sociales/{id}/cambios/passwords_rotated")))
        .header("cookie", format!("arco_sesion={other_secret}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={other_csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = http
        .get(site.url(&format!("/redes-sociales/{id}")))
        .header("cookie", format!("arco_sesion={other_secret}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(stored(&site, id).await.changes.len(), changes);

    for b in [c, a, o, p] {
        b.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn social_pages_sqlite() {
    walkthrough(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn social_pages_postgres() {
    walkthrough(Backend::Postgres).await;
}
