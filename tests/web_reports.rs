//! Issue 16's report pages in a real browser (same harness as tests/web.rs), on both
//! backends: three requests of «OTRA» filed and acted on through the registry (one
//! admitted, resolved and notified; one prevented; one improcedent with its cause); the
//! report of its UT with the period chosen in the form, a number followed to the cases
//! behind it, the chart, the refusals of a bad period beside the field (400), the CSV files
//! fetched with the session; what the guarantor and another body's UT see. Checked with
//! axe-core and photographed under target/screenshots/.

mod common;
mod web_common;

use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::report::requests::REGISTER_HEADER;
use arco::report::{GroupBy, Period};
use arco::request::{ImprocedenceCause, Outcome, RequestAct, Review, Right};
use arco::service::ReportScope;
use chrono::{Days, NaiveDate, Utc};
use common::Backend;
use fantoccini::{Client, Locator};
use web_common::*;

/// The business day `n` business days before `today` on the calendar of Jalisco.
fn business_days_ago(cal: &arco::calendar::Calendar, today: NaiveDate, n: u32) -> NaiveDate {
    let mut d = today;
    let mut left = n;
    while left > 0 {
        d = d.checked_sub_days(Days::new(1)).unwrap();
        if cal.is_business_day(d).unwrap() {
            left -= 1;
        }
    }
    d
}

/// The count shown in `table`'s row `label`, column number `col` (1-based, after the label).
async fn cell(c: &Client, table: &str, label: &str, col: usize) -> String {
    let xpath =
        format!("//table[@id='tabla-{table}']/tbody/tr[th[normalize-space()='{label}']]/td[{col}]");
    c.find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no está la fila «{label}» de {table}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn folios_listed(c: &Client) -> Vec<String> {
    let mut v = Vec::new();
    for a in c.find_all(Locator::Css("#casos tbody th a")).await.unwrap() {
        v.push(a.text().await.unwrap());
    }
    v.sort();
    v
}

async fn options(c: &Client, css: &str) -> Vec<String> {
    let mut v = Vec::new();
    for o in c.find_all(Locator::Css(css)).await.unwrap() {
        v.push(o.attr("value").await.unwrap().unwrap_or_default());
    }
    v
}

async fn reports(backend: Backend) {
    let tag = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let site = start(backend).await;
    let reg = site.registry().await;
    let now = Utc::now();
    let today = now
        .with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive();
    let cal = reg.calendar("mx-jalisco").unwrap();
    let on = |n: u32| -> Moment {
        format!("{}T10:00", business_days_ago(&cal, today, n))
            .parse()
            .unwrap()
    };
    let unit = Actor::new(OTHER_USER, Role::UnitStaff);
    let committee = Actor::new("comite.otra", Role::Committee);
    let file = |right, n| {
        let reg = &reg;
        let unit = &unit;
        let at = on(n);
        async move {
            reg.file_request("OTRA", "mx-jalisco", right, at, unit, now)
                .await
                .unwrap()
                .folio
        }
    };
    // Admitted, resolved (granted) and notified.
    let answered = file(Right::Access, 15).await;
    for (n, act, who) in [
        (14, RequestAct::Admitted, &unit),
        (
            8,
            RequestAct::Resolved {
                outcome: Outcome::Granted,
            },
            &committee,
        ),
        (7, RequestAct::ResolutionNotified, &unit),
    ] {
        reg.act(&answered, act, on(n), who, now).await.unwrap();
    }
    // Prevented.
    let prevented = file(Right::Rectification, 4).await;
    reg.act(
        &prevented,
        RequestAct::PreventionNotified,
        on(3),
        &unit,
        now,
    )
    .await
    .unwrap();
    // Improcedent for fracción II, confirmed by the Comité first.
    let cause = ImprocedenceCause::parse("II").unwrap();
    let improcedent = file(Right::Cancellation, 6).await;
    reg.act(
        &improcedent,
        RequestAct::ImprocedenceReviewed {
            cause,
            decision: Review::Confirmed,
        },
        on(5),
        &committee,
        now,
    )
    .await
    .unwrap();
    reg.act(
        &improcedent,
        RequestAct::ImprocedenceNotified { cause },
        on(4),
        &unit,
        now,
    )
    .await
    .unwrap();
    let mut ours = vec![answered.clone(), prevented.clone(), improcedent.clone()];
    ours.sort();

    let from = today.checked_sub_days(Days::new(60)).unwrap();
    let period = Period::new(from, today, today).unwrap();
    let q = format!("desde={from}&hasta={today}");
    let lib = reg
        .request_report(
            &ReportScope::Bodies(vec!["OTRA".into()]),
            period,
            GroupBy::None,
        )
        .await
        .unwrap();
    assert_eq!(lib.requests.count("received", "total"), 3);

    let mut drv = driver().await;
    let c = drv.browser().await;

    // Anonymous: to the sign-in page, like every page.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in [
        "/informes",
        "/informes/casos",
        "/informes/solicitudes.csv",
        "/informes/registro.csv",
    ] {
        let res = http.get(site.url(path)).send().await.unwrap();
        assert!(res.status().is_redirection(), "{path}: {}", res.status());
        let to = res.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/entrar?siguiente="), "{path}: {to}");
    }

    // OTRA's UT: the report of this year by default, from the navigation.
    sign_in(&c, &site, OTHER_USER).await;
    click(&c, "nav a[href='/informes']").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/informes");
    let h2 = text_of(&c, "#resumen").await;
    assert!(
        h2.contains(&arco::report::date_es(Period::this_year(today).from)),
        "{h2}"
    );
    assert_eq!(text_of(&c, "nav a[aria-current='page']").await, "Informes");
    // No body to choose for a body's staff.
    assert!(c.find(Locator::Css("#f-sujeto")).await.is_err());

    // The period chosen in the form (no JavaScript involved: a GET form).
    set_value(&c, "#f-desde", &from.to_string()).await;
    set_value(&c, "#f-hasta", &today.to_string()).await;
    click(&c, "#periodo button[type=submit]").await;
    let url = c.current_url().await.unwrap();
    assert!(
        url.query().unwrap_or("").contains(&format!("desde={from}")),
        "{url}"
    );
    assert_eq!(
        text_of(&c, "#resumen").await,
        format!("Periodo {}", period.describe_es())
    );
    assert_eq!(text_of(&c, "#recibidas").await, "3");
    // One column (the total) under "sin desglose".
    assert_eq!(cell(&c, "requests", "Recibidas", 1).await, "3");
    assert_eq!(cell(&c, "requests", "Prevenidas", 1).await, "1");
    assert_eq!(cell(&c, "requests", "Admitidas", 1).await, "1");
    assert_eq!(cell(&c, "requests", "Improcedentes", 1).await, "1");
    assert_eq!(cell(&c, "requests", "Causa: fracción II", 1).await, "1");
    assert_eq!(cell(&c, "requests", "Causa: fracción III", 1).await, "0");
    assert_eq!(cell(&c, "requests", "Respuesta notificada", 1).await, "1");
    // A zero is not a link; a part of a row is indented.
    assert!(
        c.find(Locator::XPath(
            "//table[@id='tabla-requests']/tbody/tr[th[normalize-space()='Causa: fracción III']]/td[1]/a"
        ))
        .await
        .is_err()
    );
    let class = c
        .find(Locator::XPath(
            "//table[@id='tabla-requests']/tbody/tr/th[normalize-space()='Causa: fracción II']",
        ))
        .await
        .unwrap()
        .attr("class")
        .await
        .unwrap();
    assert_eq!(class.as_deref(), Some("nivel-1"));
    // Every metric defined in words on the page.
    let defs = text_of(&c, "#t-requests ~ details.definiciones").await;
    for r in &lib.requests.rows {
        assert!(
            defs.contains(&r.metric.definition),
            "falta la definición de {}",
            r.metric.key
        );
    }
    // The timeliness table: the library's counts and the on-time rate.
    assert!(!lib.timeliness.rows.is_empty());
    for (i, r) in lib.timeliness.rows.iter().enumerate() {
        for (j, cellv) in r.cells.iter().enumerate() {
            assert_eq!(
                cell(&c, "timeliness", &r.metric.label, j + 1).await,
                cellv.count.to_string(),
                "{} / {}",
                r.metric.key,
                lib.timeliness.columns[j].key
            );
        }
        let rate =
            lib.on_time[i].map_or_else(|| "—".to_string(), |x| format!("{:.1} %", x * 100.0));
        assert_eq!(cell(&c, "timeliness", &r.metric.label, 5).await, rate);
    }
    // The response spread: two answered, the resolution notified 8 business days after
    // the filing and the improcedence 2 days after (arts. 55, 59.1).
    let mut spread = vec![text_of(&c, "#tabla-respuesta tbody tr th").await];
    for td in c
        .find_all(Locator::Css("#tabla-respuesta tbody tr td"))
        .await
        .unwrap()
    {
        spread.push(td.text().await.unwrap());
    }
    assert_eq!(spread, ["Total", "2", "5", "5", "8"]);
    // The chart: drawn on the server, described in words, the received bar the longest.
    let svg = c
        .find(Locator::Css("figure.grafica svg[role='img']"))
        .await
        .unwrap();
    assert_eq!(
        svg.attr("aria-labelledby").await.unwrap().as_deref(),
        Some("grafica-titulo")
    );
    assert_eq!(
        svg.attr("aria-describedby").await.unwrap().as_deref(),
        Some("grafica-texto")
    );
    let alt = text_of(&c, "#grafica-texto").await;
    assert!(alt.starts_with("Recibidas: 3; Prevenidas: 1;"), "{alt}");
    let widths = c
        .find_all(Locator::Css("figure.grafica rect"))
        .await
        .unwrap();
    assert_eq!(
        widths[0].attr("width").await.unwrap().as_deref(),
        Some("360")
    );
    assert_eq!(
        widths[1].attr("width").await.unwrap().as_deref(),
        Some("120")
    );
    shot(&c, &format!("{tag}-informe")).await;
    for (id, name) in [("t-requests", "grafica"), ("t-timeliness", "oportunidad")] {
        c.execute(
            "document.getElementById(arguments[0]).scrollIntoView();",
            vec![serde_json::json!(id)],
        )
        .await
        .unwrap();
        shot(&c, &format!("{tag}-informe-{name}")).await;
    }
    axe(&c, "informe").await;

    // A number followed to its cases: exactly the three, each linking to its page.
    click(
        &c,
        "#tabla-requests tbody tr:first-child td:nth-of-type(1) a",
    )
    .await;
    assert_eq!(c.current_url().await.unwrap().path(), "/informes/casos");
    assert!(text_of(&c, "h1").await.starts_with("Recibidas"));
    assert!(
        text_of(&c, "#definicion")
            .await
            .contains("regla 1 de cómputo")
    );
    assert_eq!(folios_listed(&c).await, ours);
    let href = c
        .find(Locator::Css("#casos tbody th a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(href, format!("/solicitudes/{}", ours[0]));
    axe(&c, "informe-casos").await;
    // The prevented one alone; the improcedent one alone.
    c.goto(&site.url(&format!(
        "/informes/casos?tabla=requests&metrica=prevented&columna=total&{q}"
    )))
    .await
    .unwrap();
    assert_eq!(folios_listed(&c).await, [prevented.as_str()]);
    assert!(text_of(&c, "#casos tbody tr").await.contains("Prevenida"));
    c.goto(&site.url(&format!(
        "/informes/casos?tabla=requests&metrica=improcedent_II&columna=total&{q}"
    )))
    .await
    .unwrap();
    assert_eq!(folios_listed(&c).await, [improcedent.as_str()]);
    // A number the report does not have: not found, in Spanish.
    c.goto(&site.url(&format!(
        "/informes/casos?tabla=requests&metrica=inventada&columna=total&{q}"
    )))
    .await
    .unwrap();
    let text = body_text(&c).await;
    assert!(
        text.contains("No encontrado") && text.contains("no tiene esa cifra"),
        "{text}"
    );

    // A reversed period: refused beside «hasta», the form kept, 400.
    c.goto(&site.url("/informes?desde=2026-06-01&hasta=2026-05-01&agrupar=right"))
        .await
        .unwrap();
    assert!(
        text_of(&c, "#e-hasta").await.contains("termina antes"),
        "{}",
        body_text(&c).await
    );
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
    assert_eq!(
        c.find(Locator::Css("#f-agrupar option[selected]"))
            .await
            .unwrap()
            .attr("value")
            .await
            .unwrap()
            .as_deref(),
        Some("right")
    );
    assert!(c.find(Locator::Css("#tabla-requests")).await.is_err());
    axe(&c, "informe-error").await;
    c.goto(&site.url("/informes?desde=2026-13-45"))
        .await
        .unwrap();
    assert!(text_of(&c, "#e-desde").await.contains("no es una fecha"));

    // The CSV files with the session's cookie.
    let secret = c
        .get_named_cookie("arco_sesion")
        .await
        .unwrap()
        .value()
        .to_string();
    let get = |path: String| {
        let http = &http;
        let cookie = format!("arco_sesion={secret}");
        let url = site.url(&path);
        async move { http.get(url).header("cookie", cookie).send().await.unwrap() }
    };
    let res = get(format!("/informes/solicitudes.csv?{q}")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename="),
        "{disposition}"
    );
    let csv = res.text().await.unwrap();
    assert_eq!(
        csv.lines().next().unwrap(),
        "\u{feff}tabla,métrica,clave,columna,casos"
    );
    assert!(
        csv.contains("\r\nSolicitudes,Recibidas,received,Total,3\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("\r\nSolicitudes,Prevenidas,prevented,Total,1\r\n"),
        "{csv}"
    );
    let res = get(format!("/informes/registro.csv?{q}")).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("registro"),
    );
    let register = res.text().await.unwrap();
    let lines: Vec<&str> = register.lines().collect();
    assert_eq!(lines[0], format!("\u{feff}{REGISTER_HEADER}"));
    let listed: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(listed, ours.iter().map(String::as_str).collect::<Vec<_>>());
    // Refusals and scope, as statuses.
    let res = get("/informes?desde=2026-06-01&hasta=2026-05-01".into()).await;
    assert_eq!(res.status(), 400);
    let res = get("/informes?desde=ayer".into()).await;
    assert_eq!(res.status(), 400);
    let res = get(format!(
        "/informes?{q}&sujeto={}",
        arco::service::demo::BODY
    ))
    .await;
    assert_eq!(res.status(), 403);
    let res = get(format!(
        "/informes/solicitudes.csv?{q}&sujeto={}",
        arco::service::demo::BODY
    ))
    .await;
    assert_eq!(res.status(), 403);
    let res = get(format!(
        "/informes/casos?tabla=requests&metrica=received&columna=nada&{q}"
    ))
    .await;
    assert_eq!(res.status(), 404);

    // The demonstration body's UT: its own requests, none of OTRA's; OTRA's report refused.
    let demo_lib = reg
        .request_report(
            &ReportScope::Bodies(vec![arco::service::demo::BODY.into()]),
            period,
            GroupBy::None,
        )
        .await
        .unwrap();
    let demo_received = demo_lib.requests.count("received", "total");
    assert!(demo_received > 0);
    let mut drv2 = driver().await;
    let c2 = drv2.browser().await;
    sign_in(&c2, &site, "ut.demo").await;
    c2.goto(&site.url(&format!("/informes?{q}"))).await.unwrap();
    assert_eq!(text_of(&c2, "#recibidas").await, demo_received.to_string());
    c2.goto(&site.url(&format!(
        "/informes/casos?tabla=requests&metrica=received&columna=total&{q}"
    )))
    .await
    .unwrap();
    let theirs = folios_listed(&c2).await;
    assert_eq!(theirs.len(), demo_received);
    assert!(theirs.iter().all(|f| !ours.contains(f)), "{theirs:?}");
    c2.goto(&site.url(&format!("/informes?{q}&sujeto=OTRA")))
        .await
        .unwrap();
    let text = body_text(&c2).await;
    assert!(
        text.contains("Sin permiso") && text.contains("solo puede consultar"),
        "{text}"
    );
    assert!(!text.contains(&answered));
    axe(&c2, "informe-ajeno").await;

    // The guarantor: only the bodies it supervises, to choose from and as columns.
    let mut drv3 = driver().await;
    let c3 = drv3.browser().await;
    sign_in(&c3, &site, "garante.demo").await;
    c3.goto(&site.url("/informes")).await.unwrap();
    let mut bodies = options(&c3, "#f-sujeto option").await;
    bodies.sort();
    assert_eq!(bodies, ["", arco::service::demo::BODY, "OTRA"]);
    select(&c3, "#f-agrupar", "body").await;
    set_value(&c3, "#f-desde", &from.to_string()).await;
    click(&c3, "#periodo button[type=submit]").await;
    let heads: Vec<String> = {
        let mut v = Vec::new();
        for th in c3
            .find_all(Locator::Css("#tabla-requests thead th"))
            .await
            .unwrap()
        {
            v.push(th.text().await.unwrap());
        }
        v
    };
    assert_eq!(
        heads,
        ["Concepto", arco::service::demo::BODY, "OTRA", "Total"]
    );
    assert_eq!(cell(&c3, "requests", "Recibidas", 2).await, "3");
    assert_eq!(
        cell(&c3, "requests", "Recibidas", 1).await,
        demo_received.to_string()
    );
    assert_eq!(
        cell(&c3, "requests", "Recibidas", 3).await,
        (demo_received + 3).to_string()
    );
    // Grouped: the chart shows what each body received.
    let alt = text_of(&c3, "#grafica-texto").await;
    assert_eq!(
        alt,
        format!("{}: {demo_received}; OTRA: 3.", arco::service::demo::BODY)
    );
    shot(&c3, &format!("{tag}-informe-garante")).await;
    axe(&c3, "informe-garante").await;
    // One supervised body chosen: only its requests.
    c3.goto(&site.url(&format!("/informes?{q}&sujeto=OTRA")))
        .await
        .unwrap();
    assert_eq!(text_of(&c3, "#recibidas").await, "3");
    c3.goto(&site.url(&format!(
        "/informes/casos?tabla=requests&metrica=received&columna=total&{q}&sujeto=OTRA"
    )))
    .await
    .unwrap();
    assert_eq!(folios_listed(&c3).await, ours);
    // A body it does not supervise (itself): refused.
    c3.goto(&site.url(&format!(
        "/informes?{q}&sujeto={}",
        arco::service::demo::GUARANTOR
    )))
    .await
    .unwrap();
    assert!(body_text(&c3).await.contains("Sin permiso"));

    c.close().await.unwrap();
    c2.close().await.unwrap();
    c3.close().await.unwrap();
}
on_both_backends!(reports);
