//! Sending mail: SMTP through lettre (STARTTLS, TLS, authentication, from a URL), or a
//! memory mailbox for previews and embedders' tests. Either way a message is one digest.

use std::sync::{Arc, Mutex};

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Whether `email` is a usable address (`nombre@dominio.mx` or `Nombre <nombre@dominio.mx>`).
pub fn valid_address(email: &str) -> bool {
    email.trim().parse::<Mailbox>().is_ok()
}

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Why a message was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// Worth trying again (4xx replies, connection problems); false for 5xx replies and
    /// malformed addresses.
    pub transient: bool,
    pub message: String,
}

/// Where messages go.
#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Keeps messages in memory (previews, tests of embedding code).
    Memory(Arc<Mutex<Vec<Outgoing>>>),
}

impl Mailer {
    /// An SMTP mailer from a URL: `smtp://user:pass@host:587?tls=required` (STARTTLS),
    /// `smtps://user:pass@host:465` (TLS), `smtp://127.0.0.1:2525` (plain, local relays).
    pub fn smtp(url: &str) -> Result<Mailer, String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|b| Mailer::Smtp(b.build()))
            .map_err(|e| format!("URL de SMTP inválida: {e}"))
    }

    /// A memory mailbox, and a handle to read what was "sent".
    pub fn memory() -> (Mailer, Arc<Mutex<Vec<Outgoing>>>) {
        let store = Arc::new(Mutex::new(Vec::new()));
        (Mailer::Memory(store.clone()), store)
    }

    /// Sends one message; returns when the server accepted it.
    pub async fn send(&self, from: &str, m: &Outgoing) -> Result<(), SendError> {
        let permanent = |message: String| SendError {
            transient: false,
            message,
        };
        let from: Mailbox = from
            .parse()
            .map_err(|e| permanent(format!("remitente inválido «{from}»: {e}")))?;
        let to: Mailbox =
            m.to.parse()
                .map_err(|e| permanent(format!("destinatario inválido «{}»: {e}", m.to)))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(m.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                m.text.clone(),
                m.html.clone(),
            ))
            .map_err(|e| permanent(format!("mensaje inválido: {e}")))?;
        match self {
            Mailer::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| SendError {
                transient: !e.is_permanent(),
                message: e.to_string(),
            }),
            Mailer::Memory(store) => {
                if let Ok(mut v) = store.lock() {
                    v.push(m.clone());
                }
                Ok(())
            }
        }
    }
}
