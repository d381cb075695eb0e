//! Helpers shared by the TOML data files (calendars, rulebooks): positions and Spanish
//! messages for their errors.

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Puts the TOML parser's English messages into Spanish for the common cases; keeps the
/// original text (after a Spanish lead) for the rest.
pub fn translate_toml_message(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("falta el campo {}", quote(rest));
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let mut s = format!("campo desconocido {}", quote(field));
        if !expected.is_empty() {
            s.push_str(&format!(
                "; se esperaba {}",
                expected.replace("one of", "uno de")
            ));
        }
        return s;
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        return format!("tipo de valor inválido: {rest}");
    }
    if let Some(rest) = msg.strip_prefix("duplicate key") {
        return format!("clave repetida{rest}");
    }
    format!("TOML inválido: {msg}")
}

fn quote(s: &str) -> String {
    format!("«{}»", s.trim().trim_matches('`'))
}

/// A TOML error as `file:line:col: message`, in Spanish.
pub fn describe(file: &str, text: &str, e: &toml::de::Error) -> String {
    let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
    format!(
        "{file}:{line}:{col}: {}",
        translate_toml_message(e.message())
    )
}
