//! Issue 14's panels in a real browser (same harness as tests/web.rs), on both backends:
//! how the request came in on the filing form, the acuse and the case page, and the search
//! by the PNT's folio; the identity accreditation shown; assigning the case and the área;
//! an área that did not cooperate, for the Comité; internal notes (escaped, kept apart,
//! a refusal shown beside the field with what was typed kept); and who sees what.

mod common;
mod web_common;

use common::Backend;
use fantoccini::Locator;
use web_common::*;

async fn expediente(backend: Backend) {
    let tag = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let site = start(backend).await;
    let mut drv = driver().await;
    let c = drv.browser().await;
    sign_in(&c, &site, "ut.demo").await;

    // Filing from the PNT, with its folio; the acuse says how answers go back.
    c.goto(&site.url("/solicitudes/nueva")).await.unwrap();
    select(&c, "#f-right", "access").await;
    select(&c, "#f-channel", "pnt").await;
    fill(&c, "#f-external_folio", "140287926099999").await;
    click(&c, "form.formulario button[type=submit]").await;
    let acuse = body_text(&c).await;
    assert!(
        acuse.contains("Plataforma Nacional de Transparencia"),
        "{acuse}"
    );
    assert!(acuse.contains("140287926099999"), "{acuse}");
    assert!(acuse.contains("por el mismo medio"), "{acuse}");
    let filed = c.current_url().await.unwrap();
    let folio = filed
        .path()
        .trim_start_matches("/solicitudes/")
        .trim_end_matches("/acuse")
        .to_string();
    // A bad external folio is refused beside its field, the rest kept.
    c.goto(&site.url("/solicitudes/nueva")).await.unwrap();
    select(&c, "#f-right", "access").await;
    fill(&c, "#f-external_folio", "no<válido>").await;
    click(&c, "form.formulario button[type=submit]").await;
    assert!(
        text_of(&c, ".con-error").await.contains("folio externo"),
        "{}",
        body_text(&c).await
    );
    // Found by the PNT's folio.
    c.goto(&site.url("/solicitudes?folio=140287926099999"))
        .await
        .unwrap();
    assert_eq!(
        c.current_url().await.unwrap().path(),
        format!("/solicitudes/{folio}")
    );
    let page = body_text(&c).await;
    assert!(
        page.contains("PENDIENTE"),
        "identity not yet accredited: {page}"
    );

    // The demo's case accredited in person, with an official ID.
    let accredited = &site.demo.cases[7];
    c.goto(&site.url(&format!("/solicitudes/{accredited}")))
        .await
        .unwrap();
    let page = body_text(&c).await;
    assert!(page.contains("identificación oficial"), "{page}");
    assert!(page.contains("en persona"), "{page}");
    // Made effective with 30 copies at $1.00 (20 free, art. 62.4) and $20.00 shipping: the
    // confirmation says what the titular pays, and with the waiver only what is left.
    c.goto(&site.url(&format!("/solicitudes/{accredited}/actos/fulfilled")))
        .await
        .unwrap();
    select(&c, "[name='delivery.modality']", "simple_copy").await;
    fill(&c, "[name='delivery.pages']", "30").await;
    fill(&c, "[name='delivery.page_cost']", "100").await;
    fill(&c, "[name='delivery.shipping_cost']", "2000").await;
    click(&c, "form.formulario button[type=submit]").await;
    let confirm = text_of(&c, ".confirmar").await;
    assert!(
        confirm.contains("Costo para la persona titular: $30.00 MXN"),
        "{confirm}"
    );
    c.back().await.unwrap();
    c.goto(&site.url(&format!("/solicitudes/{accredited}/actos/fulfilled")))
        .await
        .unwrap();
    select(&c, "[name='delivery.modality']", "simple_copy").await;
    fill(&c, "[name='delivery.pages']", "30").await;
    fill(&c, "[name='delivery.page_cost']", "100").await;
    fill(&c, "[name='delivery.shipping_cost']", "2000").await;
    click(&c, "[name='delivery.waived']").await;
    click(&c, "form.formulario button[type=submit]").await;
    let confirm = text_of(&c, ".confirmar").await;
    assert!(
        confirm.contains("Costo para la persona titular: Sin costo"),
        "{confirm}"
    );
    click(&c, ".confirmar button[type=submit]").await;
    assert!(
        body_text(&c).await.contains("Sin costo (art. 62)"),
        "{}",
        body_text(&c).await
    );

    // Assign it and say which área holds the data.
    c.goto(&site.url(&format!("/solicitudes/{folio}")))
        .await
        .unwrap();
    select(&c, "#f-assignee", "jefa.demo").await;
    fill(&c, "#f-area", "Dirección de Archivo").await;
    click(&c, "form[action$='/asignacion'] button").await;
    let page = body_text(&c).await;
    assert!(page.contains("Quedó registrada la asignación"), "{page}");
    assert!(page.contains("jefa.demo (asignado)"), "{page}");
    assert!(page.contains("Dirección de Archivo"), "{page}");
    // The área did not cooperate: said for the Comité.
    fill(&c, "#f-nc-area", "Dirección de Archivo").await;
    click(&c, "form[action$='/no-colaboracion'] button").await;
    assert!(
        text_of(&c, "#expediente-panel .aviso")
            .await
            .contains("Para el Comité de Transparencia (art. 88.1.IX)")
    );
    // A note, escaped; an empty one refused beside the field.
    let note = "<b>Llamó</b> la titular & pidió copia";
    fill(&c, "#f-text", note).await;
    click(&c, "form[action$='/notas'] button").await;
    assert_eq!(text_of(&c, ".texto-nota").await, note);
    assert!(
        c.find(Locator::Css(".texto-nota b")).await.is_err(),
        "not markup"
    );
    shot(&c, &format!("{tag}-expediente")).await;
    axe(&c, "expediente").await;
    fill(&c, "#f-text", " ").await;
    set_value(&c, "#f-corrects", "999").await;
    click(&c, "form[action$='/notas'] button").await;
    let err = text_of(&c, "#resumen-errores").await;
    assert!(err.contains("vacía"), "{err}");
    axe(&c, "expediente con error").await;
    // The note never reaches the acuse.
    c.goto(&site.url(&format!("/solicitudes/{folio}/acuse")))
        .await
        .unwrap();
    assert!(!body_text(&c).await.contains("Llamó"));

    // Mis casos: the case is now the head's, not the filer's.
    c.goto(&site.url("/solicitudes?mine=true")).await.unwrap();
    assert!(!body_text(&c).await.contains(&folio));

    // The auditor reads the notes and changes nothing; the guarantor does not see them.
    let a = drv.browser().await;
    sign_in(&a, &site, "auditor.demo").await;
    a.goto(&site.url(&format!("/solicitudes/{folio}")))
        .await
        .unwrap();
    let page = body_text(&a).await;
    assert!(page.contains("Llamó"), "{page}");
    assert!(
        a.find(Locator::Css("form[action$='/notas']"))
            .await
            .is_err()
    );
    assert!(
        a.find(Locator::Css("form[action$='/asignacion']"))
            .await
            .is_err()
    );
    let g = drv.browser().await;
    sign_in(&g, &site, "garante.demo").await;
    g.goto(&site.url(&format!("/solicitudes/{folio}")))
        .await
        .unwrap();
    let page = body_text(&g).await;
    assert!(page.contains("jefa.demo"), "{page}");
    assert!(
        !page.contains("Llamó") && !page.contains("Notas internas"),
        "{page}"
    );
    for b in [c, a, g] {
        b.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expediente_panels_sqlite() {
    expediente(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expediente_panels_postgres() {
    expediente(Backend::Postgres).await;
}
