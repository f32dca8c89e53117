//! MIME Sniffing §parsing-a-mime-type / §serializing-a-mime-type: parsing never panics, the
//! serialization of a parsed MIME type is a fixed point, and the record is well formed.
#![no_main]

use corsgate::header::is_token;
use corsgate::mime::Mime;
use libfuzzer_sys::fuzz_target;

fn check(m: &Mime) {
    assert!(is_token(m.type_().as_bytes()) && is_token(m.subtype().as_bytes()));
    assert!(!m.essence().bytes().any(|b| b.is_ascii_uppercase()));
    let mut names: Vec<&str> = Vec::new();
    for (name, value) in m.parameters() {
        assert!(is_token(name.as_bytes()), "{name:?}");
        assert!(!name.bytes().any(|b| b.is_ascii_uppercase()));
        assert!(
            !names.contains(&name.as_str()),
            "duplicate parameter {name:?}"
        );
        assert!(value
            .chars()
            .all(|c| matches!(c, '\t' | ' '..='~' | '\u{80}'..='\u{ff}')));
        names.push(name);
    }
    // Serialize → parse → serialize is a fixed point, and parse gives the same record.
    let bytes = m.to_bytes();
    let again = Mime::parse(&bytes).unwrap_or_else(|e| panic!("{:?} does not re-parse: {e}", m));
    assert_eq!(&again, m);
    assert_eq!(again.to_bytes(), bytes);
    assert_eq!(Mime::parse_str(&m.to_string()).as_ref(), Ok(m));
}

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = Mime::parse(data) {
        check(&m);
    }
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(m) = Mime::parse_str(s) {
            check(&m);
        }
    }
});
