//! The command line's subcommands that work on the database.

pub mod alerts;
pub mod appeals;
pub mod breaches;
pub mod cases;
pub mod db;
pub mod documents;
pub mod reports;
pub mod serve;

pub type CliResult = Result<(), Box<dyn std::error::Error>>;
