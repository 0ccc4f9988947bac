//! `omnysys rollback` asks a running server to restore a plugin's previous good library.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{omnysys, plugin_library, text};

#[test]
fn the_rollback_command_restores_the_previous_library_in_a_running_server() {
    let dir = std::env::temp_dir().join(format!("omnysys-rollback-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let lib = |name: &str| std::fs::read(plugin_library(name)).unwrap();
    std::fs::write(dir.join("libfixture.so"), lib("fixture_v1")).unwrap();
    std::fs::write(
        dir.join("t.toolset.ron"),
        "ToolSet(plugins: [(path: \"libfixture.so\")])",
    )
    .unwrap();
    let mut server = Command::new(omnysys())
        .args(["serve", "--http", "127.0.0.1:0", "--project"])
        .arg(&dir)
        .arg("--toolset")
        .arg(dir.join("t.toolset.ron"))
        .env("OMNYSYS_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let control = dir.join(".omnysys/control");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !control.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(dir.join("libfixture.so"), lib("fixture_v2")).unwrap();
    let mut answer = String::new();
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(300));
        let out = Command::new(omnysys())
            .args(["rollback", "fixture", "--project"])
            .arg(&dir)
            .output()
            .unwrap();
        answer = text(&out);
        if out.status.success() {
            break;
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        answer.contains("fixture RolledBack generation Some(3)"),
        "{answer}"
    );
}
