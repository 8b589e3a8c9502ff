//! The backend-language examples in `docs/` print what the page says they print.

use std::process::Command;

fn blocks(doc: &str, lang: &str) -> Vec<String> {
    let fence = format!("```{lang}\n");
    doc.split(&fence)
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_user_hash_examples_print_the_worked_example() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/authentication.md"
    ))
    .unwrap();
    let expected = "1afefd4ff556b7f819a78cba4c7dc58cea68e000c096f4d0c18c56f2b9259103";
    assert!(doc.contains(expected), "the page states the worked example");
    let runs = [
        ("js", vec!["node", "--input-type=module", "-e"]),
        ("python", vec!["python3", "-c"]),
        ("bash", vec!["bash", "-c"]),
    ];
    for (lang, command) in runs {
        let found = blocks(&doc, lang);
        assert_eq!(found.len(), 1, "one {lang} example");
        let out = Command::new(command[0])
            .args(&command[1..])
            .arg(&found[0])
            .output()
            .unwrap_or_else(|e| panic!("{} (needed by the test command): {e}", command[0]));
        assert!(
            out.status.success(),
            "{lang}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            expected,
            "{lang}"
        );
    }
}
