//! Errors of the calendar: a file that cannot be used, and a date that cannot be counted.
//! Their text is Spanish: it is read by the staff who edit calendars and count terms.

use std::path::PathBuf;

use chrono::NaiveDate;
use thiserror::Error;

/// A calendar file that cannot be loaded. Each message names the file and, where there is
/// one, the line and column of the problem.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CalendarError {
    #[error("{}: no se pudo leer el archivo: {message}", path.display())]
    Io { path: PathBuf, message: String },
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "no se encontró el calendario «{name}»: no es una ruta a un archivo y no está entre los calendarios incluidos ({searched})"
    )]
    NotFound { name: String, searched: String },
    #[error("{file}: extends forma un ciclo: {chain}")]
    Cycle { file: String, chain: String },
    #[error("{file}: demasiados calendarios encadenados con extends (máximo {max})")]
    TooDeep { file: String, max: usize },
    #[error("el calendario tiene demasiadas reglas ({count}); el máximo es {max}")]
    TooManyRules { count: usize, max: usize },
}

/// A date or term that cannot be counted on a calendar.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TermError {
    #[error("la fecha {date} está fuera del intervalo que arco calcula ({min} a {max})")]
    OutOfRange {
        date: NaiveDate,
        min: NaiveDate,
        max: NaiveDate,
    },
    #[error(
        "el plazo de {days} días hábiles a partir de {from} termina después de {max}, el último día que arco calcula"
    )]
    BeyondRange {
        from: NaiveDate,
        days: u32,
        max: NaiveDate,
    },
    #[error(
        "el plazo de {hours} horas a partir de {from} termina después de {max}, el último día que arco calcula"
    )]
    HoursBeyondRange {
        from: NaiveDate,
        hours: u32,
        max: NaiveDate,
    },
    #[error(
        "el plazo de {days} días naturales a partir de {from} termina después de {max}, el último día que arco calcula"
    )]
    CalendarDaysBeyondRange {
        from: NaiveDate,
        days: u32,
        max: NaiveDate,
    },
    #[error("la fecha de inicio {from} es posterior a la fecha final {to}")]
    Reversed { from: NaiveDate, to: NaiveDate },
    #[error("el reglamento «{rulebook}» no define el plazo «{term}»")]
    UndefinedTerm { term: String, rulebook: String },
    #[error("fecha u hora inválida «{input}»: {why}")]
    BadMoment { input: String, why: String },
    #[error(
        "el plazo «{term}» se cuenta en horas naturales y vence en un instante, no en un día: se calcula desde la hora del acto"
    )]
    InHours { term: String },
}
