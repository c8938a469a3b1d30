//! Smoke test of the real binary over a real socket: `essor serve --addr 127.0.0.1:0` prints
//! the first admin token once and the bound address, answers requests, finishes an in-flight
//! request after SIGTERM, flushes the store and exits 0; a restart keeps data and tokens and
//! prints no token.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::json;

const SIRET: &str = "12002701600357";

/// The server process; killed if the test fails before it exits on its own.
struct Server {
    child: Option<Child>,
    addr: String,
    /// Lines printed on stdout before `listening on`.
    banner: Vec<String>,
    stderr: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn start(data: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_essor"))
        .arg("--data")
        .arg(data)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env_remove("ESSOR_ADMIN_TOKEN")
        .env("ESSOR_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the essor binary starts");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let (etx, erx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut all = String::new();
        let _ = BufReader::new(stderr).read_to_string(&mut all);
        let _ = etx.send(all);
    });
    let mut banner = Vec::new();
    let addr = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server prints `listening on` within a minute");
        if let Some(rest) = line.strip_prefix("listening on http://") {
            break rest.trim_end_matches('/').to_string();
        }
        banner.push(line);
    };
    Server {
        child: Some(child),
        addr,
        banner,
        stderr: erx,
    }
}

fn sigterm(server: &Server) {
    let pid = server.child.as_ref().unwrap().id().to_string();
    let ok = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs")
        .success();
    assert!(ok, "kill -TERM {pid} failed");
}

/// Wait for the process to exit (bounded); returns its success and its stderr.
fn wait_exit(server: &mut Server) -> (bool, String) {
    let mut child = server.child.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let status = child.wait();
        let _ = tx.send(status);
    });
    let status = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server exits within a minute of SIGTERM")
        .unwrap();
    let stderr = server
        .stderr
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_default();
    (status.success(), stderr)
}

fn supplier(siret: &str) -> serde_json::Value {
    json!({"siret": siret, "name": "ESAT du Tarn", "kinds": ["ESAT"], "address": {"commune": "81004"}})
}

#[test]
fn serve_answers_over_a_socket_and_shuts_down_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start(dir.path());
    let token_line = server
        .banner
        .iter()
        .find(|l| l.starts_with("first admin token"))
        .expect("first start prints an admin token");
    let admin = token_line.rsplit(' ').next().unwrap().to_string();
    let base = format!("http://{}", server.addr);

    let client = reqwest::blocking::Client::new();
    let r = client.get(format!("{base}/api/v1/healthz")).send().unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("x-request-id"));
    let r = client
        .put(format!("{base}/api/v1/suppliers/{SIRET}"))
        .bearer_auth(&admin)
        .json(&supplier(SIRET))
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = client
        .get(format!("{base}/api/v1/suppliers/{SIRET}"))
        .send()
        .unwrap();
    assert_eq!(
        r.json::<serde_json::Value>().unwrap()["name"],
        "ESAT du Tarn"
    );

    // An in-flight request: headers and half of the body sent, the handler waiting for the rest.
    let sibling = essor::model::ids::complete_siret("1200270160001");
    let body = supplier(&sibling).to_string();
    let (first, rest) = body.as_bytes().split_at(body.len() / 2);
    let mut conn = TcpStream::connect(&server.addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        conn,
        "PUT /api/v1/suppliers/{sibling} HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {admin}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        server.addr,
        body.len()
    )
    .unwrap();
    conn.write_all(first).unwrap();
    conn.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let metrics = client
            .get(format!("{base}/api/v1/metrics"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        if metrics.contains("essor_http_requests_in_flight 1") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the partial request never became in-flight:\n{metrics}"
        );
    }
    drop(client);

    sigterm(&server);
    conn.write_all(rest).unwrap();
    conn.flush().unwrap();
    let mut response = String::new();
    let _ = conn.read_to_string(&mut response);
    assert!(
        response.starts_with("HTTP/1.1 201"),
        "the in-flight request finished after SIGTERM: {response}"
    );

    let (ok, stderr) = wait_exit(&mut server);
    assert!(ok, "graceful exit with status 0:\n{stderr}");
    assert!(stderr.contains("store flushed"), "{stderr}");
    let wal = dir.path().join("store.sqlite-wal");
    assert!(
        !wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0,
        "the WAL was checkpointed on shutdown"
    );

    // Restart: data and tokens persist, no token is printed again.
    let mut server = start(dir.path());
    assert!(
        server.banner.iter().all(|l| !l.contains("token")),
        "{:?}",
        server.banner
    );
    let base = format!("http://{}", server.addr);
    let client = reqwest::blocking::Client::new();
    let r = client
        .get(format!("{base}/api/v1/suppliers/{sibling}"))
        .send()
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "the write acknowledged during shutdown is durable"
    );
    let r = client
        .patch(format!("{base}/api/v1/suppliers/{SIRET}"))
        .bearer_auth(&admin)
        .header("content-type", "application/merge-patch+json")
        .body(r#"{"brand":"Ateliers"}"#)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    drop(client);
    sigterm(&server);
    let (ok, stderr) = wait_exit(&mut server);
    assert!(ok, "{stderr}");
}
