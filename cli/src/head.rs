//! A parser for a raw HTTP/1 response head as a user saves it to a file: a status line and header
//! lines (RFC 9112 §4 and §5), ended by an empty line or the end of input. Anything after the empty
//! line (a body) is ignored. Lines end in CRLF or LF.
//!
//! It takes arbitrary bytes and returns an [`http::Response`] or a [`HeadError`] naming the line;
//! it never panics. It is strict where leniency would hide a mistake: obsolete line folding, a
//! space before the colon and a bare CR are refused (RFC 9112 §5.1, §5.2, §2.2). The refusal of
//! obsolete line folding says what a browser reads instead: RFC 9112 §5.2 makes a user agent
//! replace each fold by a space, so the error carries the value unfolded.

use http::{HeaderName, HeaderValue, StatusCode};

/// The largest head accepted (bigger input is almost certainly not a response head).
pub const MAX_HEAD: usize = 1 << 20;

/// Why the bytes are not an HTTP response head. Line numbers start at 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeadError {
    /// Nothing but whitespace.
    #[error("the input is empty: expected a status line like `HTTP/1.1 204 No Content`")]
    Empty,
    /// More than [`MAX_HEAD`] bytes before the end of the head.
    #[error("the head is larger than {MAX_HEAD} bytes")]
    TooLarge,
    /// The first line is not `HTTP/x[.y] SP 3DIGIT [SP reason]`.
    #[error("line {line}: expected a status line like `HTTP/1.1 204 No Content`, got `{got}`")]
    StatusLine {
        /// The line number.
        line: usize,
        /// The line as received (escaped, shortened).
        got: String,
    },
    /// A header line without a colon, with an empty name, or a name that is not a token.
    #[error("line {line}: expected a header line `Name: value`, got `{got}`")]
    HeaderLine {
        /// The line number.
        line: usize,
        /// The line as received (escaped, shortened).
        got: String,
    },
    /// Whitespace between the field name and the colon (RFC 9112 §5.1).
    #[error("line {line}: whitespace between the header name and the colon is not allowed")]
    SpaceBeforeColon {
        /// The line number.
        line: usize,
    },
    /// A line starting with a space or tab: obsolete line folding (obs-fold, RFC 9112 §5.2),
    /// which continues the previous header line. Servers must not send it; a user agent (a
    /// browser) must replace it by a space before reading the value, so a browser reads
    /// `{name}: {unfolded}`. Fetch's header values cannot hold the line break itself.
    #[error(
        "line {line}: obsolete line folding (obs-fold): the line starts with a space or tab, \
         continuing the `{name}` header on the line before; HTTP forbids servers to send it \
         (RFC 9112 §5.2) and a browser replaces each fold by a space, reading `{name}: {unfolded}`: \
         put the value on one line"
    )]
    ObsFold {
        /// The line number.
        line: usize,
        /// The header the line continues (lowercase), or `(status line)`.
        name: String,
        /// The header's value as a browser reads it, its folds replaced by one space (escaped,
        /// shortened).
        unfolded: String,
    },
    /// A CR not followed by LF.
    #[error("line {line}: a CR (\\r) that does not end the line")]
    BareCr {
        /// The line number.
        line: usize,
    },
    /// A header value byte an `http::HeaderValue` cannot hold (NUL or another control byte).
    #[error("line {line}: the value of `{name}` contains the byte 0x{byte:02X}")]
    ValueByte {
        /// The line number.
        line: usize,
        /// The header name (shortened).
        name: String,
        /// The first offending byte.
        byte: u8,
    },
}

/// Shows a line as escaped ASCII, at most 60 bytes.
fn shown(line: &[u8]) -> String {
    const MAX: usize = 60;
    let head = line.get(..MAX).unwrap_or(line);
    let mut s = head.escape_ascii().to_string();
    if line.len() > MAX {
        s.push('…');
    }
    s
}

/// Splits the input into lines (without their CRLF or LF), up to and without the empty line
/// that ends the head.
fn head_lines(input: &[u8]) -> Result<Vec<&[u8]>, HeadError> {
    let mut lines = Vec::new();
    let mut rest = input;
    loop {
        if rest.is_empty() {
            break;
        }
        let (line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.contains(&b'\r') {
            return Err(HeadError::BareCr {
                line: lines.len() + 1,
            });
        }
        if line.is_empty() {
            break;
        }
        lines.push(line);
        rest = next;
    }
    Ok(lines)
}

/// The status line: `HTTP-version SP status-code [SP reason-phrase]` (RFC 9112 §4), any
/// HTTP version written as `HTTP/` digit [`.` digit] (what browsers' tools show for h2 and h3 too).
fn status_line(line: &[u8]) -> Option<StatusCode> {
    let rest = line.strip_prefix(b"HTTP/")?;
    let (version, rest) = match rest.iter().position(|&b| b == b' ') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => return None,
    };
    let version_ok = match version {
        [major] => major.is_ascii_digit(),
        [major, b'.', minor] => major.is_ascii_digit() && minor.is_ascii_digit(),
        _ => false,
    };
    if !version_ok {
        return None;
    }
    let (code, reason) = match rest.get(3) {
        None => (rest, &b""[..]),
        Some(b' ') => (&rest[..3], &rest[4..]),
        Some(_) => return None,
    };
    if code.len() != 3 || !code.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // The reason phrase: HTAB, SP, VCHAR, obs-text.
    if reason.iter().any(|&b| b < 0x20 && b != b'\t' || b == 0x7F) {
        return None;
    }
    StatusCode::from_bytes(code).ok()
}

/// The error for an obs-fold at line `line`, the first continuation line of `rest`, after the
/// header lines `before`: the header it continues, and its value with every fold of it replaced
/// by one space (RFC 9112 §5.2).
fn obs_fold(line: usize, before: &[&[u8]], rest: &[&[u8]]) -> HeadError {
    let previous = before
        .last()
        .map(|l| match l.iter().position(|&b| b == b':') {
            Some(c) => (&l[..c], corsgate::header::trim_tab_or_space(&l[c + 1..])),
            None => (&l[..], &b""[..]),
        });
    let (name, mut value) = match previous {
        Some((name, value)) => (
            String::from_utf8_lossy(name).to_ascii_lowercase(),
            value.to_vec(),
        ),
        None => ("(status line)".to_owned(), Vec::new()),
    };
    for continuation in rest
        .iter()
        .take_while(|l| matches!(l.first(), Some(b' ' | b'\t')))
    {
        let part = corsgate::header::trim_tab_or_space(continuation);
        if !value.is_empty() && !part.is_empty() {
            value.push(b' ');
        }
        value.extend_from_slice(part);
    }
    HeadError::ObsFold {
        line,
        name: shown(name.as_bytes()),
        unfolded: shown(&value),
    }
}

/// Parses a response head. The header values are kept as received, less the optional whitespace
/// around them; several lines with one name stay several entries.
///
/// ```
/// let r = corsgate_cli::head::parse_head(b"HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: *\r\n\r\n").unwrap();
/// assert_eq!(r.status(), 204);
/// assert_eq!(r.headers()["access-control-allow-origin"], "*");
/// ```
pub fn parse_head(input: &[u8]) -> Result<http::Response<()>, HeadError> {
    // Leading empty lines are skipped (RFC 9112 §2.2 lets a recipient ignore them).
    let start = input
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .ok_or(HeadError::Empty)?;
    let skipped = input[..start].iter().filter(|&&b| b == b'\n').count();
    let lines = head_lines(&input[start..]).map_err(|e| match e {
        HeadError::BareCr { line } => HeadError::BareCr {
            line: line + skipped,
        },
        other => other,
    })?;
    let head_len: usize = lines.iter().map(|l| l.len() + 2).sum();
    if head_len > MAX_HEAD {
        return Err(HeadError::TooLarge);
    }
    let number = |i: usize| i + 1 + skipped;
    let Some((first, header_lines)) = lines.split_first() else {
        return Err(HeadError::Empty);
    };
    let status = status_line(first).ok_or_else(|| HeadError::StatusLine {
        line: number(0),
        got: shown(first),
    })?;
    let mut response = http::Response::new(());
    *response.status_mut() = status;
    for (i, line) in header_lines.iter().enumerate() {
        let n = number(i + 1);
        if matches!(line.first(), Some(b' ' | b'\t')) {
            return Err(obs_fold(n, &header_lines[..i], &header_lines[i..]));
        }
        let bad_line = || HeadError::HeaderLine {
            line: n,
            got: shown(line),
        };
        let colon = line.iter().position(|&b| b == b':').ok_or_else(bad_line)?;
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        if matches!(name.last(), Some(b' ' | b'\t')) {
            return Err(HeadError::SpaceBeforeColon { line: n });
        }
        if !corsgate::header::is_token(name) {
            return Err(bad_line());
        }
        let name = HeaderName::from_bytes(name).map_err(|_| bad_line())?;
        let value = corsgate::header::trim_tab_or_space(value);
        let value = HeaderValue::from_bytes(value).map_err(|_| HeadError::ValueByte {
            line: n,
            name: shown(name.as_str().as_bytes()),
            byte: value
                .iter()
                .copied()
                .find(|&b| b < 0x20 && b != b'\t' || b == 0x7F)
                .unwrap_or(0),
        })?;
        response.headers_mut().append(name, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_lf_heads() {
        for text in [
            &b"HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: https://a.example\r\nVary: Origin\r\n\r\n"[..],
            b"HTTP/1.1 204 No Content\nAccess-Control-Allow-Origin: https://a.example\nVary: Origin\n",
            b"HTTP/1.1 204 No Content\nAccess-Control-Allow-Origin:https://a.example  \nVary:\tOrigin",
            b"\r\n\nHTTP/1.1 204 No Content\nAccess-Control-Allow-Origin: https://a.example\nVary: Origin\n\nbody: not a header\n",
        ] {
            let r = parse_head(text).unwrap();
            assert_eq!(r.status(), 204);
            assert_eq!(r.headers().len(), 2, "{}", text.escape_ascii());
            assert_eq!(
                r.headers()["access-control-allow-origin"],
                "https://a.example"
            );
            assert_eq!(r.headers()["vary"], "Origin");
        }
    }

    #[test]
    fn status_lines() {
        for (line, status) in [
            (&b"HTTP/1.1 200 OK"[..], 200),
            (b"HTTP/1.0 404 Not Found", 404),
            (b"HTTP/2 302", 302),
            (b"HTTP/2 302 ", 302),
            (b"HTTP/3 500 Internal \tServer Error", 500),
        ] {
            assert_eq!(parse_head(line).unwrap().status(), status);
        }
        for bad in [
            &b"HTTP/1.1 20 OK"[..],
            b"HTTP/1.1 2000 OK",
            b"HTTP/1.1 099 Low",
            b"HTTP/1.1200 OK",
            b"HTTP/1.1  200 OK",
            b"HTTP/x 200 OK",
            b"HTTP/1.12 200 OK",
            b"http/1.1 200 OK",
            b"HTTP/1.1",
            b"HTTP/1.1 abc",
            b"HTTP/1.1 200OK",
            b"200 OK",
            b"{\"status\": 200}",
            b"GET / HTTP/1.1",
            b"HTTP/1.1 200 O\x01K",
        ] {
            let e = parse_head(bad).unwrap_err();
            assert!(
                matches!(e, HeadError::StatusLine { line: 1, .. }),
                "{}: {e:?}",
                bad.escape_ascii()
            );
        }
    }

    #[test]
    fn header_line_errors_name_the_line() {
        let e = |t: &[u8]| parse_head(t).unwrap_err();
        assert_eq!(e(b""), HeadError::Empty);
        assert_eq!(e(b"\r\n\r\n"), HeadError::Empty);
        assert_eq!(
            e(b"HTTP/1.1 200 OK\nA: 1\n folded"),
            HeadError::ObsFold {
                line: 3,
                name: "a".into(),
                unfolded: "1 folded".into()
            }
        );
        assert_eq!(
            e(b"HTTP/1.1 200 OK\nA : 1"),
            HeadError::SpaceBeforeColon { line: 2 }
        );
        assert_eq!(
            e(b"\nHTTP/1.1 200 OK\nA: 1\r2\n"),
            HeadError::BareCr { line: 3 }
        );
        assert!(matches!(
            e(b"HTTP/1.1 200 OK\nno colon here"),
            HeadError::HeaderLine { line: 2, .. }
        ));
        assert!(matches!(
            e(b"HTTP/1.1 200 OK\n: empty name"),
            HeadError::HeaderLine { line: 2, .. }
        ));
        assert!(matches!(
            e(b"HTTP/1.1 200 OK\nBad(Name): 1"),
            HeadError::HeaderLine { line: 2, .. }
        ));
        assert_eq!(
            e(b"HTTP/1.1 200 OK\nX-A: 1\x002"),
            HeadError::ValueByte {
                line: 2,
                name: "x-a".into(),
                byte: 0
            }
        );
        let msg = e(b"HTTP/1.1 200 OK\nno colon here").to_string();
        assert_eq!(
            msg,
            "line 2: expected a header line `Name: value`, got `no colon here`"
        );
    }

    #[test]
    fn duplicates_stay_separate_and_bytes_are_kept() {
        let r = parse_head(
            b"HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://a.example\nAccess-Control-Allow-Origin: *\nX-Y: caf\xc3\xa9\nEmpty:\n",
        )
        .unwrap();
        let all: Vec<_> = r
            .headers()
            .get_all("access-control-allow-origin")
            .iter()
            .collect();
        assert_eq!(all, ["https://a.example", "*"]);
        assert_eq!(r.headers()["x-y"].as_bytes(), "café".as_bytes());
        assert_eq!(r.headers()["empty"], "");
    }

    /// Every error message is bounded whatever the line's length (the `head` fuzz target found
    /// a `ValueByte` message repeating a header name of any length).
    #[test]
    fn messages_are_bounded() {
        let name = "x".repeat(100_000);
        for head in [
            format!("HTTP/1.1 200 OK\n{name}: a\x01b\n"),
            format!("HTTP/1.1 200 OK\n{name}: {name}\n {name}\n"),
            format!("HTTP/1.1 200 OK\n{name}\n"),
            format!("HTTP/1.1 200 {name}\x01\n"),
        ] {
            let message = parse_head(head.as_bytes()).unwrap_err().to_string();
            assert!(
                message.len() < 1200,
                "{} bytes: {message:.100}",
                message.len()
            );
        }
    }

    #[test]
    fn too_large() {
        let mut big = b"HTTP/1.1 200 OK\n".to_vec();
        for i in 0..40_000 {
            big.extend_from_slice(format!("X-{i}: {}\n", "v".repeat(20)).as_bytes());
        }
        assert_eq!(parse_head(&big).unwrap_err(), HeadError::TooLarge);
    }

    /// Every prefix of a valid head and every single-byte change of it parses or fails cleanly.
    #[test]
    fn never_panics_on_mutations() {
        let good = b"HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: https://a.example\r\nX: 1\r\n\r\n";
        let mut runs = 0;
        for cut in 0..=good.len() {
            let _ = parse_head(&good[..cut]);
            runs += 1;
        }
        for i in 0..good.len() {
            for b in [0u8, b'\r', b'\n', b' ', b':', 0x7F, 0xFF, b'\t'] {
                let mut m = good.to_vec();
                m[i] = b;
                let _ = parse_head(&m);
                runs += 1;
            }
        }
        assert_eq!(runs, good.len() + 1 + good.len() * 8);
    }
}
