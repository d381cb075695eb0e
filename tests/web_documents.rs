//! The page «Documentos del expediente» in a real browser (headless Chromium through
//! chromedriver), on both backends: the link from the case page, an upload through the
//! multipart form without JavaScript, the list, a refused content shown in Spanish, the
//! identity guard (the Comité does not see the identity document) and another body's
//! staff seeing nothing. Checked with axe-core and photographed under target/screenshots/.

mod common;
mod web_common;

use common::Backend;
use fantoccini::{Client, Locator};
use web_common::*;

async fn upload(c: &Client, kind: &str, path: &std::path::Path) {
    select(c, "#f-kind", kind).await;
    c.find(Locator::Css("#f-file"))
        .await
        .unwrap()
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
    click(c, "form.formulario button[type=submit]").await;
}

async fn documents_page(backend: Backend) {
    let tag = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let site = start(backend).await;
    let folio = site.demo.cases.last().unwrap().clone();
    let dir = site.registry_db.scratch.join("subidas");
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join("identificación <b>.pdf");
    std::fs::write(
        &pdf,
        b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    )
    .unwrap();
    let exe = dir.join("programa.pdf");
    std::fs::write(&exe, b"MZ\x90\0\x03\0\0\0\x04\0\0\0").unwrap();

    let mut drv = driver().await;
    let c = drv.browser().await;
    sign_in(&c, &site, "ut.demo").await;
    c.goto(&site.url(&format!("/solicitudes/{folio}")))
        .await
        .unwrap();
    c.find(Locator::LinkText("Documentos del expediente"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        text_of(&c, "h1")
            .await
            .contains("Documentos del expediente")
    );
    assert!(
        text_of(&c, "#sin-documentos")
            .await
            .contains("no tiene documentos")
    );
    axe(&c, "documentos-vacio").await;

    // A content of a type not on the list: refused, said in Spanish, nothing added.
    upload(&c, "other", &exe).await;
    assert!(
        text_of(&c, "#resumen-errores")
            .await
            .contains("no es de un tipo admitido"),
        "{}",
        body_text(&c).await
    );
    assert!(c.find(Locator::Css("#documentos")).await.is_err());

    // The identity document: added, listed as sensitive, its name escaped.
    upload(&c, "identity", &pdf).await;
    assert!(
        text_of(&c, "#agregado")
            .await
            .contains("Se agregó el documento")
    );
    let row = text_of(&c, "#documentos tbody tr").await;
    assert!(
        row.contains("identificación del titular") && row.contains("dato sensible"),
        "{row}"
    );
    assert!(
        row.contains("identificación <b>.pdf") && row.contains("application/pdf"),
        "{row}"
    );
    let link = c
        .find(Locator::Css("#documentos tbody tr a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(
        link.starts_with(&format!("/solicitudes/{folio}/documentos/")),
        "{link}"
    );
    shot(&c, &format!("{tag}-documentos")).await;
    axe(&c, "documentos").await;
    // The library lists the same document.
    let reg = site.registry().await;
    let stored = arco::storage::DocumentStore::documents(reg.store(), &folio)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].filename, "identificación <b>.pdf");

    // The Comité: the identity document does not appear, its download is not found, and
    // it may only attach a resolution.
    let mut drv2 = driver().await;
    let c2 = drv2.browser().await;
    sign_in(&c2, &site, "comite.demo").await;
    c2.goto(&site.url(&format!("/solicitudes/{folio}/documentos")))
        .await
        .unwrap();
    assert!(
        text_of(&c2, "#sin-documentos")
            .await
            .contains("no tiene documentos")
    );
    let options = c2.find_all(Locator::Css("#f-kind option")).await.unwrap();
    assert_eq!(options.len(), 1);
    assert_eq!(
        options[0].attr("value").await.unwrap().as_deref(),
        Some("resolution")
    );
    c2.goto(&site.url(&link)).await.unwrap();
    assert!(
        body_text(&c2).await.contains("No encontrado"),
        "{}",
        body_text(&c2).await
    );

    // Another body's staff: the page itself is not found.
    let mut drv3 = driver().await;
    let c3 = drv3.browser().await;
    sign_in(&c3, &site, OTHER_USER).await;
    c3.goto(&site.url(&format!("/solicitudes/{folio}/documentos")))
        .await
        .unwrap();
    let text = body_text(&c3).await;
    assert!(
        text.contains("No encontrado") && !text.contains("identificación"),
        "{text}"
    );
    c3.goto(&site.url(&link)).await.unwrap();
    assert!(body_text(&c3).await.contains("No encontrado"));
    axe(&c3, "documentos-ajeno").await;
    c.close().await.unwrap();
    c2.close().await.unwrap();
    c3.close().await.unwrap();
}
on_both_backends!(documents_page);
