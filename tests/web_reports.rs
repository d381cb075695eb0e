//! Issue 16's report pages in a real browser (same harness as tests/web.rs), on both
//! backends: three requests of «OTRA» filed and acted on through the registry (one
//! admitted, resolved and notified; one prevented; one improcedent with its cause); the
//! report of its UT with the period chosen in the form, a number followed to the cases
//! behind it, the chart, the refusals of a bad period beside the field (400), the CSV files
//! fetched with the session; what the guarantor and another body's UT see. Then the report
//! of recursos de revisión (`informe=recursos`): two appeals against «OTRA»'s denied
//! requests (one dismissed, one resolved with compliance ordered) and one heard by the
//! guarantor against a body it does not supervise; what OTRA's UT and the guarantor see,
//! a number followed to its appeals, the CSV. Checked with axe-core and photographed under
//! target/screenshots/.

mod common;
mod web_common;

use arco::accounts::{Body, BodyKind};
use arco::appeal::AppealAct;
use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::report::appeals::AppealReport;
use arco::report::requests::REGISTER_HEADER;
use arco::report::{GroupBy, Period};
use arco::request::{ImprocedenceCause, Outcome, RequestAct, Review, Right};
use arco::service::ReportScope;
use arco::service::admin::add_body;
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

/// The texts of the elements `css` matches.
async fn texts(c: &Client, css: &str) -> Vec<String> {
    let mut v = Vec::new();
    for e in c.find_all(Locator::Css(css)).await.unwrap() {
        v.push(e.text().await.unwrap());
    }
    v
}

/// Every number of the appeals report's tables on the page, against the library's.
async fn same_tables(c: &Client, lib: &AppealReport) {
    for t in [&lib.appeals, &lib.compliance, &lib.timeliness] {
        for (i, r) in t.rows.iter().enumerate() {
            for (j, x) in r.cells.iter().enumerate() {
                assert_eq!(
                    cell(c, &t.key, &r.metric.label, j + 1).await,
                    x.count.to_string(),
                    "{} / {} / {}",
                    t.key,
                    r.metric.key,
                    t.columns[j].key
                );
            }
            if t.key == "timeliness" {
                let rate = lib.on_time[i]
                    .map_or_else(|| "—".to_string(), |x| format!("{:.1} %", x * 100.0));
                assert_eq!(
                    cell(c, "timeliness", &r.metric.label, t.columns.len() + 1).await,
                    rate
                );
            }
        }
    }
}

async fn appeal_reports(backend: Backend) {
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
    // A body the guarantor does not supervise (reassigned, say): the guarantor still hears
    // the appeal filed with it against one of its requests.
    add_body(
        reg.store(),
        Body {
            code: "AJENA".into(),
            name: "Dependencia reasignada".into(),
            kind: BodyKind::Obligated,
            calendar: "mx-jalisco".into(),
            guarantor: None,
        },
        |_| Ok(()),
        now,
    )
    .await
    .unwrap();
    let og = Actor::new("garante.demo", Role::Guarantor);
    // A request of `body` filed 15 business days ago, admitted, denied and notified (12
    // days ago), and an appeal against it filed with the guarantor 10 days ago on `ground`.
    let appealed = |body: &'static str, ground: &'static str| {
        let (reg, og) = (&reg, &og);
        let unit = Actor::new(format!("ut.{body}"), Role::UnitStaff);
        let committee = Actor::new(format!("comite.{body}"), Role::Committee);
        let at = |n| on(n);
        async move {
            let folio = reg
                .file_request(body, "mx-jalisco", Right::Access, at(15), &unit, now)
                .await
                .unwrap()
                .folio;
            for (n, act, who) in [
                (14, RequestAct::Admitted, &unit),
                (
                    13,
                    RequestAct::Resolved {
                        outcome: Outcome::Denied,
                    },
                    &committee,
                ),
                (12, RequestAct::ResolutionNotified, &unit),
            ] {
                reg.act(&folio, act, at(n), who, now).await.unwrap();
            }
            let filing: AppealAct = serde_json::from_value(serde_json::json!(
                {"act": "appeal_filed", "venue": "guarantor", "ground": ground}
            ))
            .unwrap();
            reg.file_appeal(
                &folio,
                arco::service::demo::GUARANTOR,
                "mx-jalisco",
                filing,
                at(10),
                og,
                now,
            )
            .await
            .unwrap()
            .folio
        }
    };
    let appeal_act = |folio: String, n: u32, act: serde_json::Value| {
        let (reg, og) = (&reg, &og);
        let at = on(n);
        async move {
            let act: AppealAct = serde_json::from_value(act).unwrap();
            reg.act_appeal(&folio, act, at, og, now)
                .await
                .unwrap_or_else(|e| panic!("{folio}: {e}"));
        }
    };
    // Dismissed the next day, art. 108.VII.
    let dismissed = appealed("OTRA", "VI").await;
    appeal_act(
        dismissed.clone(),
        9,
        serde_json::json!({"act": "appeal_dismissed", "cause": "VII"}),
    )
    .await;
    // Admitted, revoked with 5 days to comply, notified 4 business days ago: the
    // compliance term still runs.
    let resolved = appealed("OTRA", "IV").await;
    for (n, act) in [
        (9, serde_json::json!({"act": "appeal_admitted"})),
        (
            5,
            serde_json::json!({"act": "appeal_resolved", "outcome": "revoked", "compliance_days": 5}),
        ),
        (4, serde_json::json!({"act": "appeal_resolution_notified"})),
    ] {
        appeal_act(resolved.clone(), n, act).await;
    }
    let foreign = appealed("AJENA", "VI").await;
    let mut otra = vec![dismissed.clone(), resolved.clone()];
    otra.sort();

    let from = today.checked_sub_days(Days::new(60)).unwrap();
    let period = Period::new(from, today, today).unwrap();
    let q = format!("desde={from}&hasta={today}");
    let lib = reg
        .appeal_report(
            &ReportScope::Bodies(vec!["OTRA".into()]),
            period,
            GroupBy::None,
        )
        .await
        .unwrap();
    // Counted by hand first: the library agrees.
    let n = |m: &str| lib.appeals.count(m, "total");
    assert_eq!(
        (
            n("received"),
            n("dismissed"),
            n("dismissed_VII"),
            n("resolved")
        ),
        (2, 1, 1, 1)
    );
    assert_eq!(lib.compliance.count("ordered", "total"), 1);
    assert_eq!(lib.compliance.count("compliance_pending", "total"), 1);
    // Every appeal of the install is heard by the guarantor (the demonstration's too).
    let everything = reg
        .appeal_report(&ReportScope::All, period, GroupBy::None)
        .await
        .unwrap();
    let mut heard: Vec<String> = everything
        .cases
        .iter()
        .filter(|f| f.guarantor == arco::service::demo::GUARANTOR)
        .map(|f| f.folio.clone())
        .collect();
    heard.sort();
    assert!(heard.contains(&foreign) && heard.len() >= 3, "{heard:?}");

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .get(site.url("/informes/recursos.csv"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());

    let mut drv = driver().await;
    let c = drv.browser().await;

    // OTRA's UT: the requests report of the period, then the tab of appeals keeps it.
    sign_in(&c, &site, OTHER_USER).await;
    c.goto(&site.url(&format!("/informes?{q}"))).await.unwrap();
    assert_eq!(
        text_of(&c, ".pestanas a[aria-current='page']").await,
        "Solicitudes ARCO"
    );
    click(&c, ".pestanas a[href*='informe=recursos']").await;
    let url = c.current_url().await.unwrap();
    let query = url.query().unwrap_or("").to_string();
    assert!(
        query.contains("informe=recursos") && query.contains(&format!("desde={from}")),
        "{url}"
    );
    assert_eq!(
        text_of(&c, "h1").await,
        "Informe de recursos de revisión y cumplimiento"
    );
    assert_eq!(
        text_of(&c, ".pestanas a[aria-current='page']").await,
        "Recursos de revisión y cumplimiento"
    );
    assert_eq!(
        text_of(&c, "#resumen").await,
        format!("Periodo {}", period.describe_es())
    );
    assert_eq!(text_of(&c, "#recibidas").await, "2");
    assert!(
        text_of(&c, "#alcance")
            .await
            .starts_with("Recursos contra las solicitudes de: OTRA."),
    );
    // The numbers, by hand, then every cell against the library.
    assert_eq!(cell(&c, "appeals", "Recibidos", 1).await, "2");
    assert_eq!(cell(&c, "appeals", "Desechados", 1).await, "1");
    assert_eq!(
        cell(&c, "appeals", "Causa: fracción VII del art. 108", 1).await,
        "1"
    );
    assert_eq!(cell(&c, "appeals", "Revoca la respuesta", 1).await, "1");
    assert_eq!(cell(&c, "appeals", "Confirma la respuesta", 1).await, "0");
    assert_eq!(
        cell(&c, "compliance", "Resoluciones que ordenan cumplir", 1).await,
        "1"
    );
    same_tables(&c, &lib).await;
    // Grounds and causes are parts of the row above; a zero is not a link.
    let class = c
        .find(Locator::XPath(
            "//table[@id='tabla-appeals']/tbody/tr/th[normalize-space()='Causa: fracción VII del art. 108']",
        ))
        .await
        .unwrap()
        .attr("class")
        .await
        .unwrap();
    assert_eq!(class.as_deref(), Some("nivel-1"));
    assert!(
        c.find(Locator::XPath(
            "//table[@id='tabla-appeals']/tbody/tr[th[normalize-space()='Confirma la respuesta']]/td[1]/a"
        ))
        .await
        .is_err()
    );
    // The timeliness table has its on-time column; every metric is defined in words.
    let heads = texts(&c, "#tabla-timeliness thead th").await;
    assert_eq!(heads.last().map(String::as_str), Some("% en plazo"));
    for (t, id) in [
        (&lib.appeals, "t-appeals"),
        (&lib.compliance, "t-compliance"),
        (&lib.timeliness, "t-timeliness"),
    ] {
        let defs = text_of(&c, &format!("#{id} ~ details.definiciones")).await;
        for r in &t.rows {
            assert!(
                defs.contains(&r.metric.definition),
                "falta la definición de {}/{}",
                t.key,
                r.metric.key
            );
        }
    }
    // No time-to-answer table nor register here: those are the requests'.
    assert!(c.find(Locator::Css("#tabla-respuesta")).await.is_err());
    // The chart: the main rows of the appeals table, in words too.
    let alt = text_of(&c, "#grafica-texto").await;
    assert!(
        alt.starts_with(
            "Recibidos: 2; Con requerimiento al recurrente: 0; Admitidos: 1; Desechados: 1;"
        ),
        "{alt}"
    );
    assert!(alt.contains("; Resueltos: 1;"), "{alt}");
    let bars = c
        .find_all(Locator::Css("figure.grafica rect"))
        .await
        .unwrap();
    assert_eq!(bars[0].attr("width").await.unwrap().as_deref(), Some("360"));
    assert_eq!(bars[1].attr("width").await.unwrap().as_deref(), Some("0"));
    assert_eq!(bars[2].attr("width").await.unwrap().as_deref(), Some("180"));
    // The groupings say what they mean for an appeal.
    let right = text_of(&c, "#f-agrupar option[value='right']").await;
    assert_eq!(right, "Por causa de procedencia (art. 100)");
    assert!(text_of(&c, "#n-agrupar").await.contains("art. 100"));
    let csv_href = c
        .find(Locator::Css("#descargar-tablas"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(csv_href, format!("/informes/recursos.csv?{q}&agrupar=none"));
    shot(&c, &format!("{tag}-informe-recursos")).await;
    axe(&c, "informe-recursos").await;

    // A number followed: the dismissed one alone, with what the list shows of it.
    click(&c, "#tabla-appeals a[href*='metrica=dismissed&']").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/informes/casos");
    assert!(text_of(&c, "h1").await.starts_with("Desechados"));
    assert_eq!(folios_listed(&c).await, [dismissed.as_str()]);
    assert_eq!(
        texts(&c, "#casos thead th").await,
        [
            "Folio",
            "Órgano garante",
            "Sujeto obligado recurrido",
            "Causa de procedencia (art. 100)",
            "Interpuesto",
            "Estado al corte"
        ]
    );
    let tds = texts(&c, "#casos tbody td").await;
    assert_eq!(tds[0], arco::service::demo::GUARANTOR);
    assert_eq!(tds[1], "OTRA");
    assert!(tds[2].starts_with("Fracción VI: negativa"), "{tds:?}");
    assert_eq!(tds[4], "Desechado");
    axe(&c, "informe-recursos-casos").await;
    // Back to the same report.
    let back = c
        .find(Locator::Css("main p.no-imprimir a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(back.starts_with("/informes?informe=recursos&"), "{back}");
    // Every appeal received; the resolution that orders compliance.
    c.goto(&site.url(&format!(
        "/informes/casos?informe=recursos&tabla=appeals&metrica=received&columna=total&{q}"
    )))
    .await
    .unwrap();
    assert_eq!(folios_listed(&c).await, otra);
    c.goto(&site.url(&format!(
        "/informes/casos?informe=recursos&tabla=compliance&metrica=ordered&columna=total&{q}"
    )))
    .await
    .unwrap();
    assert_eq!(folios_listed(&c).await, [resolved.as_str()]);
    assert!(
        text_of(&c, "#casos tbody tr")
            .await
            .contains("Fracción IV: entrega de datos incompletos")
    );
    // Its folio opens the appeal's page.
    click(&c, "#casos tbody th a").await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        format!("/recursos/{resolved}")
    );
    assert!(body_text(&c).await.contains(&resolved));
    // The requests' tables are not the appeals report's: not found.
    c.goto(&site.url(&format!(
        "/informes/casos?informe=recursos&tabla=requests&metrica=received&columna=total&{q}"
    )))
    .await
    .unwrap();
    assert!(body_text(&c).await.contains("no tiene esa cifra"));

    // Grouped by ground: one column per fracción of art. 100, and the chart follows.
    c.goto(&site.url(&format!("/informes?informe=recursos&{q}&agrupar=right")))
        .await
        .unwrap();
    assert_eq!(
        texts(&c, "#tabla-appeals thead th").await,
        [
            "Concepto",
            "Fracción IV del art. 100",
            "Fracción VI del art. 100",
            "Total"
        ]
    );
    assert_eq!(
        text_of(&c, "#grafica-texto").await,
        "Fracción IV del art. 100: 1; Fracción VI del art. 100: 1."
    );
    assert!(
        text_of(&c, "figure.grafica figcaption")
            .await
            .contains("por causa de procedencia (art. 100)")
    );

    // The CSV with the session.
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
    let res = get(format!("/informes/recursos.csv?{q}")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        res.headers()["content-disposition"],
        format!("attachment; filename=\"informe-recursos-{from}-{today}.csv\"").as_str()
    );
    let csv = res.text().await.unwrap();
    assert!(
        csv.contains("\r\nRecursos de revisión,Recibidos,received,Total,2\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains(
            "\r\nCumplimiento de las resoluciones,Resoluciones que ordenan cumplir,ordered,Total,1\r\n"
        ),
        "{csv}"
    );
    assert!(csv.contains("\r\nOportunidad,"), "{csv}");
    assert!(!csv.contains("\r\nSolicitudes,"), "{csv}");
    // Another body's appeals: forbidden; the report is in the path, not the query.
    let res = get(format!(
        "/informes/recursos.csv?{q}&sujeto={}",
        arco::service::demo::BODY
    ))
    .await;
    assert_eq!(res.status(), 403);
    let res = get(format!("/informes/recursos.csv?{q}&informe=recursos")).await;
    assert_eq!(res.status(), 400);
    let res = get(format!("/informes?{q}&informe=quejas")).await;
    assert_eq!(res.status(), 400);
    let res = get(format!(
        "/informes/casos?informe=recursos&tabla=compliance&metrica=inventada&columna=total&{q}"
    ))
    .await;
    assert_eq!(res.status(), 404);

    // The guarantor, through the form: the hidden «informe» keeps the report.
    let mut drv2 = driver().await;
    let c2 = drv2.browser().await;
    sign_in(&c2, &site, "garante.demo").await;
    c2.goto(&site.url("/informes?informe=recursos"))
        .await
        .unwrap();
    set_value(&c2, "#f-desde", &from.to_string()).await;
    set_value(&c2, "#f-hasta", &today.to_string()).await;
    click(&c2, "#periodo button[type=submit]").await;
    let url = c2.current_url().await.unwrap();
    assert!(
        url.query().unwrap_or("").contains("informe=recursos"),
        "{url}"
    );
    // Every appeal it hears, the one against the body it does not supervise included.
    assert_eq!(text_of(&c2, "#recibidas").await, heard.len().to_string());
    assert!(
        text_of(&c2, "#alcance")
            .await
            .contains("todos los que conoce GARANTE")
    );
    c2.goto(&site.url(&format!(
        "/informes/casos?informe=recursos&tabla=appeals&metrica=received&columna=total&{q}"
    )))
    .await
    .unwrap();
    assert_eq!(folios_listed(&c2).await, heard);
    let foreign_row = c2
        .find(Locator::XPath(&format!(
            "//table[@id='casos']/tbody/tr[th[normalize-space()='{foreign}']]"
        )))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(foreign_row.contains("AJENA"), "{foreign_row}");
    axe(&c2, "informe-recursos-garante-casos").await;
    // By body: a column for each body appealed against.
    c2.goto(&site.url(&format!("/informes?informe=recursos&{q}&agrupar=body")))
        .await
        .unwrap();
    let heads = texts(&c2, "#tabla-appeals thead th").await;
    assert!(
        heads.contains(&"AJENA".to_string()) && heads.contains(&"OTRA".to_string()),
        "{heads:?}"
    );
    let otra_col = heads.iter().position(|h| h == "OTRA").unwrap();
    assert_eq!(cell(&c2, "appeals", "Recibidos", otra_col).await, "2");
    shot(&c2, &format!("{tag}-informe-recursos-garante")).await;
    axe(&c2, "informe-recursos-garante").await;
    // One supervised body chosen: only the appeals against it.
    c2.goto(&site.url(&format!("/informes?informe=recursos&{q}&sujeto=OTRA")))
        .await
        .unwrap();
    assert_eq!(text_of(&c2, "#recibidas").await, "2");
    c2.goto(&site.url(&format!(
        "/informes/casos?informe=recursos&tabla=appeals&metrica=dismissed&columna=total&{q}&sujeto=OTRA"
    )))
    .await
    .unwrap();
    assert_eq!(folios_listed(&c2).await, [dismissed.as_str()]);
    // The body it does not supervise cannot be chosen.
    c2.goto(&site.url(&format!("/informes?informe=recursos&{q}&sujeto=AJENA")))
        .await
        .unwrap();
    assert!(body_text(&c2).await.contains("Sin permiso"));

    c.close().await.unwrap();
    c2.close().await.unwrap();
}
on_both_backends!(appeal_reports);
