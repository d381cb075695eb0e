//! A client generated from the OpenAPI document by a standard generator
//! (openapi-python-client, pinned) drives one request through filing, admission and
//! resolution against a real `arco serve` (issue 19): `scripts/client-roundtrip.sh`, with
//! this build's `arco`. A missing Python or generator fails the test; it never skips.

use std::process::Command;

#[test]
fn a_generated_python_client_files_admits_and_resolves_a_request() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("bash")
        .arg(format!("{root}/scripts/client-roundtrip.sh"))
        .env("ARCO_BIN", env!("CARGO_BIN_EXE_arco"))
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "el cliente generado falló ({}):\n{stdout}\n{stderr}",
        out.status
    );
    // The driver prints the states it read through the generated models.
    for state in ["filed", "admitted", "resolved", "notified"] {
        assert!(
            stdout.contains(&format!("estado: {state}")),
            "falta el estado {state}:\n{stdout}"
        );
    }
}
