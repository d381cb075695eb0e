//! Reports: what the Comité de Transparencia supervises (art. 87.1.I–II), the UT's
//! evaluation of the quality of its handling (art. 88.1.VI), the guarantor's performance
//! indicators (art. 90.1.XVII) and the data the Comité gathers for the guarantor's annual
//! report (LGTAIP art. 44.VII).
//!
//! A report is computed from each case's acts, never from counters kept elsewhere, so it
//! is exact and can be computed again for any past period with the same result:
//!
//! - the **cohort** of a period is every case *received* in it (the effective date of its
//!   filing, counting rule 1, from `from` to `to`, both included);
//! - each case is seen **at the cut** (`Period::cut`): the period's last day, or today
//!   when the period has not ended. Acts that took effect after the cut are left out (the
//!   case is rebuilt from the acts before it), and a term is "vencido sin cumplir" only if
//!   its due date passed by the cut;
//! - every count carries the folios behind it.
//!
//! Nothing here reads a database or renders a page: the registry feeds the cases in, and
//! the API, the pages, the CSV files and `arco report` show the same [`Table`]s.

pub mod appeals;
pub mod breaches;
pub mod requests;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// The period a report covers, both ends included, and the day its cases are seen on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The day every case is seen on: `to`, or today if `to` has not come yet.
    pub cut: NaiveDate,
}

/// Why a period, a grouping or a metric was refused (Spanish, for whoever typed it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("el periodo empieza el {from} y termina antes, el {to}")]
    Reversed { from: NaiveDate, to: NaiveDate },
    #[error("el periodo empieza el {from}, después de hoy ({today}): aún no hay nada que contar")]
    Future { from: NaiveDate, today: NaiveDate },
    #[error("el periodo abarca más de diez años ({from} a {to}); pida uno más corto")]
    TooLong { from: NaiveDate, to: NaiveDate },
    #[error("«{0}» no es un año (AAAA, de 2000 a 2100)")]
    Year(String),
    #[error("«{0}» no es una agrupación; use: ninguna, body, right, channel o month")]
    GroupBy(String),
    #[error("indique el año o el periodo (desde, hasta), no ambos")]
    YearAndDates,
}

impl ReportError {
    /// The field of the query that was wrong: `year`, `from`, `to` or `group_by`.
    pub fn field(&self) -> &'static str {
        match self {
            ReportError::Reversed { .. } | ReportError::TooLong { .. } => "to",
            ReportError::Future { .. } => "from",
            ReportError::Year(_) | ReportError::YearAndDates => "year",
            ReportError::GroupBy(_) => "group_by",
        }
    }
}

impl Period {
    /// The period from `from` to `to`, seen on `to` or on `today` if earlier.
    pub fn new(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Result<Period, ReportError> {
        if to < from {
            return Err(ReportError::Reversed { from, to });
        }
        if from > today {
            return Err(ReportError::Future { from, today });
        }
        if (to - from).num_days() > 3660 {
            return Err(ReportError::TooLong { from, to });
        }
        Ok(Period {
            from,
            to,
            cut: to.min(today),
        })
    }

    /// A calendar year, 1 January to 31 December (the annual report, LGTAIP art. 44.VII).
    pub fn year(year: &str, today: NaiveDate) -> Result<Period, ReportError> {
        let y: i32 = year
            .trim()
            .parse()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| ReportError::Year(year.to_string()))?;
        let (from, to) = (
            NaiveDate::from_ymd_opt(y, 1, 1).expect("a year in range"),
            NaiveDate::from_ymd_opt(y, 12, 31).expect("a year in range"),
        );
        Period::new(from, to, today)
    }

    /// The period a caller asked for: a year, or `from` and `to` (by default 1 January of
    /// this year and today), or, asking nothing, this year to today.
    pub fn asked(
        year: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Period, ReportError> {
        match (year.map(str::trim).filter(|y| !y.is_empty()), from, to) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(ReportError::YearAndDates),
            (Some(y), None, None) => Period::year(y, today),
            (None, from, to) => Period::new(
                from.unwrap_or_else(|| Period::this_year(today).from),
                to.unwrap_or(today),
                today,
            ),
        }
    }

    /// The current year up to today: what a report page shows when asked for nothing.
    pub fn this_year(today: NaiveDate) -> Period {
        let from = NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("a valid year");
        Period {
            from,
            to: today,
            cut: today,
        }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }

    /// "del 1 de enero de 2026 al 31 de diciembre de 2026, visto al 3 de diciembre de 2026".
    pub fn describe_es(&self) -> String {
        let mut s = format!("del {} al {}", date_es(self.from), date_es(self.to));
        if self.cut != self.to {
            s.push_str(&format!(", visto al {}", date_es(self.cut)));
        }
        s
    }
}

const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// "3 de diciembre de 2026".
pub fn date_es(d: NaiveDate) -> String {
    format!(
        "{} de {} de {}",
        d.day(),
        MONTHS_ES[d.month0() as usize],
        d.year()
    )
}

/// `s` with its first letter in capitals ("acceso" → "Acceso"), for a column's label.
pub fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// How the columns of a table split the cohort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// One column: the whole cohort.
    None,
    /// One column per sujeto obligado.
    Body,
    /// One column per right (art. 46; portability, art. 63).
    Right,
    /// One column per reception channel (art. 49.1).
    Channel,
    /// One column per month of reception.
    Month,
}

impl GroupBy {
    pub const ALL: [GroupBy; 5] = [
        GroupBy::None,
        GroupBy::Body,
        GroupBy::Right,
        GroupBy::Channel,
        GroupBy::Month,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::None => "none",
            GroupBy::Body => "body",
            GroupBy::Right => "right",
            GroupBy::Channel => "channel",
            GroupBy::Month => "month",
        }
    }

    pub fn label_es(self) -> &'static str {
        match self {
            GroupBy::None => "sin desglose",
            GroupBy::Body => "por sujeto obligado",
            GroupBy::Right => "por derecho",
            GroupBy::Channel => "por medio de recepción",
            GroupBy::Month => "por mes de recepción",
        }
    }

    /// `""`, `none` or `ninguna` is no grouping.
    pub fn parse(s: &str) -> Result<GroupBy, ReportError> {
        match s.trim() {
            "" | "ninguna" => Ok(GroupBy::None),
            t => GroupBy::ALL
                .into_iter()
                .find(|g| g.as_str() == t)
                .ok_or_else(|| ReportError::GroupBy(s.to_string())),
        }
    }
}

/// What a row counts: its key (stable, for links and CSV), its name and its definition,
/// in one sentence a reader can check a number against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Metric {
    pub key: String,
    pub label: String,
    pub definition: String,
}

/// A column of a table: a value of the grouping, or the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// `total`, or the value (`SEJ`, `access`, `pnt`, `2026-03`).
    pub key: String,
    pub label: String,
}

/// One number, and the cases behind it: indices into the report's cases, in folio order
/// (not serialised: a report names the cases of one cell when asked, see the reports'
/// `cases_of`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub count: usize,
    #[serde(skip)]
    pub cases: Vec<u32>,
}

/// One metric across the columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub metric: Metric,
    /// One cell per column, in the columns' order.
    pub cells: Vec<Cell>,
    /// A level of indentation: 1 for a part of the row above (an outcome of "resueltas").
    pub level: u8,
}

/// A table of counts: rows of metrics, columns of the grouping (the total last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub key: String,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

impl Table {
    /// The cell of `metric` in column `column`, if both exist.
    pub fn cell(&self, metric: &str, column: &str) -> Option<&Cell> {
        let c = self.columns.iter().position(|c| c.key == column)?;
        self.rows
            .iter()
            .find(|r| r.metric.key == metric)
            .and_then(|r| r.cells.get(c))
    }

    /// The count of `metric` in column `column` (0 when either is absent).
    pub fn count(&self, metric: &str, column: &str) -> usize {
        self.cell(metric, column).map_or(0, |c| c.count)
    }
}

/// Business days taken, summarised: how many cases, the median, the average and the 90th
/// percentile (nearest rank), to one decimal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spread {
    pub cases: usize,
    pub median: Option<f64>,
    pub mean: Option<f64>,
    pub p90: Option<f64>,
}

impl Spread {
    pub fn of(values: &[u32]) -> Spread {
        let mut v = values.to_vec();
        v.sort_unstable();
        let n = v.len();
        if n == 0 {
            return Spread {
                cases: 0,
                median: None,
                mean: None,
                p90: None,
            };
        }
        let median = if n % 2 == 1 {
            f64::from(v[n / 2])
        } else {
            (f64::from(v[n / 2 - 1]) + f64::from(v[n / 2])) / 2.0
        };
        let mean = v.iter().map(|&x| f64::from(x)).sum::<f64>() / n as f64;
        // Nearest rank: the smallest value with at least 90% of the cases at or below it.
        let rank = (0.9 * n as f64).ceil() as usize;
        let p90 = f64::from(v[rank.clamp(1, n) - 1]);
        Spread {
            cases: n,
            median: Some(median),
            mean: Some((mean * 10.0).round() / 10.0),
            p90: Some(p90),
        }
    }
}

/// Builds a [`Table`] from each case's column and the metrics it counts in.
pub(crate) struct TableBuilder {
    key: String,
    title: String,
    metrics: Vec<(Metric, u8)>,
    columns: Vec<Column>,
    /// Each column's position in `columns`, by key.
    index: std::collections::HashMap<String, usize>,
    /// cells[metric][column]
    cells: Vec<Vec<Cell>>,
}

impl TableBuilder {
    pub(crate) fn new(key: &str, title: &str, metrics: Vec<(Metric, u8)>) -> TableBuilder {
        let n = metrics.len();
        TableBuilder {
            key: key.to_string(),
            title: title.to_string(),
            metrics,
            columns: Vec::new(),
            index: std::collections::HashMap::new(),
            cells: vec![Vec::new(); n],
        }
    }

    /// Adds case `case` to the metric at `metric` in the column `column`.
    pub(crate) fn add(&mut self, metric: usize, column: &Column, case: u32) {
        let c = self.position(column);
        let cell = &mut self.cells[metric][c];
        cell.count += 1;
        cell.cases.push(case);
    }

    /// Declares a column even if no case falls in it (a table with no case still shows
    /// its total).
    pub(crate) fn column(&mut self, column: &Column) {
        self.position(column);
    }

    fn position(&mut self, column: &Column) -> usize {
        if let Some(&c) = self.index.get(&column.key) {
            return c;
        }
        self.columns.push(column.clone());
        for row in &mut self.cells {
            row.push(Cell::default());
        }
        let c = self.columns.len() - 1;
        self.index.insert(column.key.clone(), c);
        c
    }

    /// The table, its columns sorted by key with the total last (or in the order they
    /// were declared, if `declared`), every cell's cases in order.
    pub(crate) fn build(self, declared: bool) -> Table {
        let mut order: Vec<usize> = (0..self.columns.len()).collect();
        if !declared {
            order.sort_by(|&a, &b| {
                let (x, y) = (&self.columns[a].key, &self.columns[b].key);
                (x == TOTAL).cmp(&(y == TOTAL)).then_with(|| x.cmp(y))
            });
        }
        let columns = order.iter().map(|&i| self.columns[i].clone()).collect();
        let rows = self
            .metrics
            .into_iter()
            .zip(self.cells)
            .map(|((metric, level), cells)| Row {
                metric,
                level,
                cells: order
                    .iter()
                    .map(|&i| {
                        let mut c = cells[i].clone();
                        c.cases.sort_unstable();
                        c
                    })
                    .collect(),
            })
            .collect();
        Table {
            key: self.key,
            title: self.title,
            columns,
            rows,
        }
    }
}

/// The key of the total column.
pub const TOTAL: &str = "total";

pub(crate) fn total_column() -> Column {
    Column {
        key: TOTAL.to_string(),
        label: "Total".to_string(),
    }
}

pub(crate) fn metric(
    key: impl Into<String>,
    label: impl Into<String>,
    definition: impl Into<String>,
) -> Metric {
    Metric {
        key: key.into(),
        label: label.into(),
        definition: definition.into(),
    }
}

/// A CSV cell a spreadsheet will not run: one that begins with `=`, `+`, `-`, `@`, a tab
/// or a carriage return gets a leading `'` (OWASP's advice for CSV injection). A negative
/// number of days left is kept as a number: it is nothing but a sign and digits.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let number = cell
        .strip_prefix('-')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    if !number && cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// CSV text, UTF-8 with a byte-order mark so a spreadsheet reads the accents, every cell
/// made [`spreadsheet_safe`].
pub(crate) fn csv_text<R, C>(rows: R) -> String
where
    R: IntoIterator<Item = C>,
    C: IntoIterator,
    C::Item: AsRef<str>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| spreadsheet_safe(c.as_ref()).into_owned())
            .collect();
        // Writing to memory fails only on a record of another length, which no caller
        // builds.
        let _ = w.write_record(&cells);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Tables as CSV: one line per metric and column (`tabla,métrica,clave,columna,casos`).
pub fn tables_csv(tables: &[&Table]) -> String {
    let mut rows: Vec<Vec<String>> = vec![
        ["tabla", "métrica", "clave", "columna", "casos"]
            .map(String::from)
            .to_vec(),
    ];
    for t in tables {
        for r in &t.rows {
            for (c, cell) in t.columns.iter().zip(&r.cells) {
                rows.push(vec![
                    t.title.clone(),
                    r.metric.label.clone(),
                    r.metric.key.clone(),
                    c.label.clone(),
                    cell.count.to_string(),
                ]);
            }
        }
    }
    csv_text(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods() {
        let today = d("2026-12-03");
        let p = Period::year("2026", today).unwrap();
        assert_eq!(
            (p.from, p.to, p.cut),
            (d("2026-01-01"), d("2026-12-31"), today)
        );
        assert_eq!(
            p.describe_es(),
            "del 1 de enero de 2026 al 31 de diciembre de 2026, visto al 3 de diciembre de 2026"
        );
        let p = Period::year("2025", today).unwrap();
        assert_eq!(p.cut, d("2025-12-31"));
        assert!(matches!(
            Period::new(d("2026-03-01"), d("2026-02-01"), today),
            Err(ReportError::Reversed { .. })
        ));
        assert!(matches!(
            Period::year("2027", today),
            Err(ReportError::Future { .. })
        ));
        assert!(matches!(
            Period::year("26", today),
            Err(ReportError::Year(_))
        ));
        assert!(Period::new(d("2000-01-01"), d("2026-01-01"), today).is_err());
        let asked = Period::asked(None, None, None, today).unwrap();
        assert_eq!((asked.from, asked.to), (d("2026-01-01"), today));
        let e = Period::asked(Some("2026"), Some(today), None, today).unwrap_err();
        assert_eq!(e.field(), "year");
        let p = Period::asked(None, Some(d("2026-11-01")), None, today).unwrap();
        assert_eq!((p.from, p.to), (d("2026-11-01"), today));
    }

    #[test]
    fn spreads() {
        let s = Spread::of(&[10, 2, 4, 8, 6]);
        assert_eq!(
            (s.cases, s.median, s.mean, s.p90),
            (5, Some(6.0), Some(6.0), Some(10.0))
        );
        let s = Spread::of(&[1, 2, 3, 4]);
        assert_eq!((s.median, s.mean, s.p90), (Some(2.5), Some(2.5), Some(4.0)));
        let s = Spread::of(&(1..=20).collect::<Vec<_>>());
        assert_eq!(s.p90, Some(18.0));
        assert_eq!(Spread::of(&[]).median, None);
    }

    #[test]
    fn tables_keep_every_folio_and_put_the_total_last() {
        let mut b = TableBuilder::new(
            "t",
            "Prueba",
            vec![
                (metric("a", "A", "cuenta a"), 0),
                (metric("b", "B", "cuenta b"), 0),
            ],
        );
        let x = Column {
            key: "x".into(),
            label: "X".into(),
        };
        b.add(0, &total_column(), 2);
        b.add(0, &x, 2);
        b.add(0, &total_column(), 1);
        b.column(&Column {
            key: "w".into(),
            label: "W".into(),
        });
        let t = b.build(false);
        let keys: Vec<&str> = t.columns.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["w", "x", "total"]);
        assert_eq!(t.cell("a", "total").unwrap().cases, [1, 2]);
        assert_eq!(t.count("b", "total"), 0);
        assert_eq!(t.count("a", "w"), 0);
        let csv = tables_csv(&[&t]);
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("Prueba,A,a,Total,2\r\n"), "{csv}");
        assert_eq!(
            csv_text([["a,\"b\"", "=1+1", "-3"]]),
            "\u{feff}\"a,\"\"b\"\"\",'=1+1,-3\r\n"
        );
    }
}
