//! MIME Sniffing §parsing-a-mime-type / §serializing-a-mime-type against the WPT files
//! `mimesniff/mime-types/resources/mime-types.json` and `generated-mime-types.json`, verbatim.
//!
//! Harness semantics (WPT `mimesniff/mime-types/parsing.any.js`): strings in the arrays are
//! comments and are skipped; each object has `input` (a JavaScript string) and `output` (the
//! serialization, or null for failure). The WPT harness checks the string parser (`Blob.type`
//! style) and, through `Headers`, the byte path. Here:
//! - every object runs through "parse a MIME type" on the string ([`Mime::parse_str`]);
//! - every object whose input isomorphic-encodes (all code points ≤ U+00FF) also runs through
//!   "parse a MIME type from bytes" ([`Mime::parse`]) on those bytes, and its serialization is
//!   compared isomorphic-encoded ([`Mime::to_bytes`]). Inputs with a code point above U+00FF
//!   cannot be bytes (WebIDL ByteString throws in `Headers`), so they get the string check only.
//!   Unlike the WPT `Request`/`Response` path we do not go through `Headers` normalization and
//!   "extract a MIME type": this is the parser itself.

use corsgate::mime::Mime;

mod common;
use common::byte_string;

/// Runs every object of `file`; returns (objects, comments, objects with a bytes variant).
fn run(file: &str) -> (usize, usize, usize) {
    let (mut objects, mut comments, mut as_bytes) = (0, 0, 0);
    for v in common::load(&format!("verbatim/mimesniff/mime-types/resources/{file}")) {
        if v.is_string() {
            comments += 1;
            continue;
        }
        objects += 1;
        let input = v["input"].as_str().unwrap();
        let output = v["output"].as_str();
        // String variant.
        let parsed = Mime::parse_str(input).ok();
        let got = parsed.as_ref().map(|m| m.to_string());
        assert_eq!(got.as_deref(), output, "{file} (string): {v}");
        // The essence is the serialization up to the first `;` (names and values hold no `;`
        // outside quotes, and type/subtype never do).
        if let (Some(m), Some(o)) = (&parsed, output) {
            assert_eq!(
                m.essence(),
                o.split(';').next().unwrap(),
                "{file} (essence): {v}"
            );
        }
        // Bytes variant.
        if let Some(bytes) = byte_string(input) {
            as_bytes += 1;
            let got = Mime::parse(&bytes).ok().map(|m| m.to_bytes());
            let want = output.map(|o| byte_string(o).expect("outputs are isomorphic"));
            assert_eq!(got, want, "{file} (bytes): {v}");
        }
    }
    (objects, comments, as_bytes)
}

#[test]
fn mime_types_json() {
    // 74 objects, 19 comment strings; 2 inputs have code points above U+00FF.
    assert_eq!(run("mime-types.json"), (74, 19, 72));
}

#[test]
fn generated_mime_types_json() {
    assert_eq!(run("generated-mime-types.json"), (881, 0, 881));
}
