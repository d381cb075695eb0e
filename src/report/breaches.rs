//! The bitácora of security breaches (art. 39) as CSV, with Spanish headers.

use crate::breach::Measure;
use crate::service::BitacoraLine;

/// The columns of the bitácora, in order: art. 39.1 I (fecha), II (motivo) and III
/// (acciones correctivas), with what the procedure records about the notices (art. 40).
pub const BITACORA_HEADERS: [&str; 21] = [
    "Folio",
    "Sujeto obligado",
    "Detectada",
    "Fecha en que ocurrió (art. 39.1.I)",
    "Confirmada",
    "Descartada",
    "Tipo (art. 38.1)",
    "Motivo (art. 39.1.II)",
    "Categorías de datos",
    "Titulares afectados",
    "Afectación significativa (art. 40)",
    "Razón de no ser significativa",
    "Acciones correctivas inmediatas (art. 39.1.III)",
    "Acciones correctivas definitivas (art. 39.1.III)",
    "Vencen los avisos (72 horas, art. 40)",
    "Aviso al órgano garante",
    "Aviso a los titulares",
    "Titulares avisados",
    "Aviso fuera de plazo",
    "Cerrada",
    "Estado",
];

fn yes_no(b: bool) -> String {
    if b { "sí" } else { "no" }.to_string()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn measures(v: &[Measure]) -> String {
    v.iter()
        .map(|m| m.label_es())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The cells of one line, in the order of [`BITACORA_HEADERS`].
pub fn bitacora_row(l: &BitacoraLine) -> Vec<String> {
    let e = &l.entry;
    vec![
        l.folio.clone(),
        l.body.clone(),
        e.detected.to_string(),
        opt(e.occurred_on),
        opt(e.confirmed),
        yes_no(e.discarded),
        opt(e.kind.map(|k| k.label_es())),
        opt(e.cause.map(|c| c.label_es())),
        e.data
            .iter()
            .map(|d| d.label_es())
            .collect::<Vec<_>>()
            .join("; "),
        opt(e.titulars),
        opt(e.significant.map(yes_no)),
        opt(e.not_significant_reason.map(|r| r.label_es())),
        measures(&e.immediate_measures),
        measures(&e.definitive_measures),
        opt(l.notice_due.map(|d| d.to_rfc3339())),
        opt(e.guarantor_notified),
        opt(e.titulars_notified),
        e.titulars_reached.to_string(),
        yes_no(e.late_notice),
        opt(e.closed),
        e.state.label_es().to_string(),
    ]
}

/// The bitácora as CSV: UTF-8 with a byte-order mark, every cell spreadsheet-safe.
pub fn bitacora_csv(lines: &[BitacoraLine]) -> String {
    super::csv_text(
        std::iter::once(BITACORA_HEADERS.iter().map(|h| h.to_string()).collect())
            .chain(lines.iter().map(bitacora_row))
            .collect::<Vec<Vec<String>>>(),
    )
}
