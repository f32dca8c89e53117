//! MIME types: MIME Sniffing §parsing-a-mime-type and §serializing-a-mime-type
//! (<https://mimesniff.spec.whatwg.org/#parsing-a-mime-type>).
//!
//! The parser works on code points, as the standard does, given as bytes or as `char`s.
//! [`Mime::parse`] is "parse a MIME type from bytes" (isomorphic decoding: byte `0xNN` is code
//! point `U+00NN`, read in place); [`Mime::parse_str`] is "parse a MIME type" on a string;
//! [`parse_essence`] stops after the subtype and allocates nothing. Type, subtype and parameter names are ASCII; parameter values
//! are limited to HTTP quoted-string token code points (at most U+00FF), so every parsed MIME type
//! serializes back to bytes with [`Mime::to_bytes`].

use std::fmt;

use crate::header::{is_http_whitespace, is_tchar};

/// MIME Sniffing §mime-type: a MIME type record, with a lowercase type and subtype and an ordered
/// map of parameters (the first occurrence of a name wins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mime {
    type_: String,
    subtype: String,
    parameters: Vec<(String, String)>,
}

/// MIME Sniffing §parsing-a-mime-type: why a string is not a MIME type. Parameters never make
/// parsing fail: a malformed parameter is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MimeError {
    /// Step 4: the type (everything before `/`) is empty.
    #[error("the MIME type's type is empty (MIME Sniffing §parsing-a-mime-type step 4)")]
    EmptyType,
    /// Step 4: the type holds a code point that is not an HTTP token code point.
    #[error("the MIME type's type contains {0:?}, not an HTTP token code point (MIME Sniffing §parsing-a-mime-type step 4)")]
    TypeNotToken(char),
    /// Step 5: there is no `/`.
    #[error("the MIME type has no `/` (MIME Sniffing §parsing-a-mime-type step 5)")]
    MissingSlash,
    /// Step 9: the subtype is empty (after removing trailing HTTP whitespace).
    #[error("the MIME type's subtype is empty (MIME Sniffing §parsing-a-mime-type step 9)")]
    EmptySubtype,
    /// Step 9: the subtype holds a code point that is not an HTTP token code point.
    #[error("the MIME type's subtype contains {0:?}, not an HTTP token code point (MIME Sniffing §parsing-a-mime-type step 9)")]
    SubtypeNotToken(char),
}

/// A code point of the parser's input: a byte (isomorphic decoding) or a `char`.
trait CodePoint: Copy + Into<char> {}
impl CodePoint for u8 {}
impl CodePoint for char {}

/// MIME Sniffing §terminology: an HTTP token code point (the RFC 9110 `tchar` set).
fn is_token_cp(c: char) -> bool {
    u8::try_from(c).is_ok_and(|b| b.is_ascii() && is_tchar(b))
}

/// MIME Sniffing §terminology: an HTTP quoted-string token code point: U+0009, U+0020 to U+007E,
/// or U+0080 to U+00FF.
fn is_quoted_string_token_cp(c: char) -> bool {
    matches!(c, '\t' | ' '..='~' | '\u{80}'..='\u{FF}')
}

/// Fetch §http-whitespace on code points.
fn is_http_ws_cp(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_http_whitespace)
}

/// Removes trailing HTTP whitespace.
fn trim_end_ws<C: CodePoint>(s: &[C]) -> &[C] {
    let end = s
        .iter()
        .rposition(|&c| !is_http_ws_cp(c.into()))
        .map_or(0, |i| i + 1);
    s.get(..end).unwrap_or_default()
}

/// Collects a sequence of code points while `pred` holds, from `input` at `*pos`.
fn collect<'a, C: CodePoint>(
    input: &'a [C],
    pos: &mut usize,
    pred: impl Fn(char) -> bool,
) -> &'a [C] {
    let start = *pos;
    while input.get(*pos).is_some_and(|&c| pred(c.into())) {
        *pos += 1;
    }
    input.get(start..*pos).unwrap_or_default()
}

/// The code points as a string.
fn string<C: CodePoint>(s: &[C]) -> String {
    s.iter().map(|&c| c.into()).collect()
}

/// The code points as a string, ASCII-lowercased.
fn lowercase<C: CodePoint>(s: &[C]) -> String {
    s.iter().map(|&c| c.into().to_ascii_lowercase()).collect()
}

/// Fetch §collect-an-http-quoted-string with extract-value true: `*pos` is at the opening `"`.
fn collect_quoted_value<C: CodePoint>(input: &[C], pos: &mut usize) -> String {
    let mut value = String::new();
    // 3-4. Skip the opening quote.
    *pos += 1;
    loop {
        // 5.1. Append code points that are not `"` or `\`.
        value.extend(
            collect(input, pos, |c| c != '"' && c != '\\')
                .iter()
                .map(|&c| c.into()),
        );
        // 5.2. Past the end: break.
        let Some(&quote_or_backslash) = input.get(*pos) else {
            break;
        };
        // 5.3-5.4.
        *pos += 1;
        if quote_or_backslash.into() == '\\' {
            // 5.5.1. A trailing backslash is kept.
            let Some(&escaped) = input.get(*pos) else {
                value.push('\\');
                break;
            };
            // 5.5.2-5.5.3.
            value.push(escaped.into());
            *pos += 1;
        } else {
            // 5.6. The closing quote.
            break;
        }
    }
    // 6. extract-value is true: return value.
    value
}

fn check_token<C: CodePoint>(
    s: &[C],
    empty: MimeError,
    bad: fn(char) -> MimeError,
) -> Result<(), MimeError> {
    if s.is_empty() {
        return Err(empty);
    }
    match s.iter().map(|&c| c.into()).find(|&c| !is_token_cp(c)) {
        Some(c) => Err(bad(c)),
        None => Ok(()),
    }
}

/// What MIME Sniffing §parsing-a-mime-type steps 1–9 find.
struct TypeSubtype<'a, C> {
    /// The input without surrounding HTTP whitespace.
    input: &'a [C],
    /// The type as it appears in `input`.
    type_: &'a [C],
    /// The subtype as it appears in `input`.
    subtype: &'a [C],
    /// The position in `input` after the subtype.
    end: usize,
}

/// MIME Sniffing §parsing-a-mime-type steps 1–9.
fn parse_type_subtype<C: CodePoint>(input: &[C]) -> Result<TypeSubtype<'_, C>, MimeError> {
    // 1. Remove leading and trailing HTTP whitespace from input.
    let start = input
        .iter()
        .position(|&c| !is_http_ws_cp(c.into()))
        .unwrap_or(input.len());
    let input = trim_end_ws(input.get(start..).unwrap_or_default());
    // 2. position at the start of input.
    let mut pos = 0;
    // 3. type: code points that are not "/".
    let type_ = collect(input, &mut pos, |c| c != '/');
    // 4. Empty or not solely HTTP token code points: failure.
    check_token(type_, MimeError::EmptyType, MimeError::TypeNotToken)?;
    // 5. Past the end: failure.
    if pos >= input.len() {
        return Err(MimeError::MissingSlash);
    }
    // 6. Skip "/".
    pos += 1;
    // 7. subtype: code points that are not ";".
    let subtype = collect(input, &mut pos, |c| c != ';');
    // 8. Remove trailing HTTP whitespace from subtype.
    let subtype = trim_end_ws(subtype);
    // 9. Empty or not solely HTTP token code points: failure.
    check_token(subtype, MimeError::EmptySubtype, MimeError::SubtypeNotToken)?;
    Ok(TypeSubtype {
        input,
        type_,
        subtype,
        end: pos,
    })
}

/// MIME Sniffing §parse-a-mime-type-from-bytes up to the essence: the type and subtype as they
/// appear in `bytes` (compare them ASCII-case-insensitively), without allocating. Parameters never
/// make parsing fail, so this fails exactly when [`Mime::parse`] does, with the same error.
///
/// ```
/// use corsgate::mime::{parse_essence, MimeError};
/// assert_eq!(parse_essence(b" Text/Plain ; charset=x").unwrap(), (&b"Text"[..], &b"Plain"[..]));
/// assert_eq!(parse_essence(b"text"), Err(MimeError::MissingSlash));
/// ```
pub fn parse_essence(bytes: &[u8]) -> Result<(&[u8], &[u8]), MimeError> {
    parse_type_subtype(bytes).map(|found| (found.type_, found.subtype))
}

impl Mime {
    /// MIME Sniffing §parse-a-mime-type-from-bytes: isomorphic-decode `bytes`, then
    /// [parse](Mime::parse_str).
    ///
    /// ```
    /// use corsgate::mime::{Mime, MimeError};
    /// let m = Mime::parse(b" Text/HTML ;Charset=\"utf-8\";charset=x").unwrap();
    /// assert_eq!(m.to_string(), "text/html;charset=utf-8");
    /// assert_eq!(m.essence(), "text/html");
    /// assert_eq!(Mime::parse(b"text"), Err(MimeError::MissingSlash));
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<Mime, MimeError> {
        Self::parse_code_points(bytes)
    }

    /// MIME Sniffing §parse-a-mime-type on a string (code points above U+00FF can only appear in
    /// a string, never in isomorphically decoded bytes).
    ///
    /// ```
    /// use corsgate::mime::Mime;
    /// assert_eq!(Mime::parse_str("x/x;a=\u{FFFD};b=c").unwrap().to_string(), "x/x;b=c");
    /// assert!(Mime::parse_str("\u{100}/x").is_err());
    /// ```
    pub fn parse_str(input: &str) -> Result<Mime, MimeError> {
        let input: Vec<char> = input.chars().collect();
        Self::parse_code_points(&input)
    }

    fn parse_code_points<C: CodePoint>(input: &[C]) -> Result<Mime, MimeError> {
        // 1–9. The type and subtype.
        let found = parse_type_subtype(input)?;
        let (input, mut pos) = (found.input, found.end);
        // 10. type and subtype in ASCII lowercase.
        let mut mime = Mime {
            type_: lowercase(found.type_),
            subtype: lowercase(found.subtype),
            parameters: Vec::new(),
        };
        // 11. While position is not past the end of input:
        while pos < input.len() {
            // 11.1. Skip ";".
            pos += 1;
            // 11.2. Collect HTTP whitespace.
            collect(input, &mut pos, is_http_ws_cp);
            // 11.3. parameterName: code points that are not ";" or "=".
            let name = collect(input, &mut pos, |c| c != ';' && c != '=');
            // 11.4. parameterName in ASCII lowercase.
            let name = lowercase(name);
            // 11.5. Not past the end: on ";" continue, else skip "=".
            if let Some(&c) = input.get(pos) {
                if c.into() == ';' {
                    continue;
                }
                pos += 1;
            }
            // 11.6. Past the end: break.
            let Some(&first) = input.get(pos) else { break };
            // 11.7-11.9. parameterValue.
            let value = if first.into() == '"' {
                // 11.8.1. Collect an HTTP quoted string, extract-value true.
                let value = collect_quoted_value(input, &mut pos);
                // 11.8.2. Skip to the next ";".
                collect(input, &mut pos, |c| c != ';');
                value
            } else {
                // 11.9.1. Code points that are not ";".
                let value = collect(input, &mut pos, |c| c != ';');
                // 11.9.2. Remove trailing HTTP whitespace.
                let value = trim_end_ws(value);
                // 11.9.3. Empty: continue.
                if value.is_empty() {
                    continue;
                }
                string(value)
            };
            // 11.10. Set the parameter if the name is a non-empty token, the value only holds
            // HTTP quoted-string token code points and the name is not set yet.
            if !name.is_empty()
                && name.chars().all(is_token_cp)
                && value.chars().all(is_quoted_string_token_cp)
                && mime.parameter(&name).is_none()
            {
                mime.parameters.push((name, value));
            }
        }
        // 12. Return mimeType.
        Ok(mime)
    }

    /// MIME Sniffing §mime-type-essence: `type/subtype`.
    pub fn essence(&self) -> String {
        format!("{}/{}", self.type_, self.subtype)
    }

    /// MIME Sniffing §type: the type, ASCII-lowercased.
    pub fn type_(&self) -> &str {
        &self.type_
    }

    /// MIME Sniffing §subtype: the subtype, ASCII-lowercased.
    pub fn subtype(&self) -> &str {
        &self.subtype
    }

    /// MIME Sniffing §parameters: the parameters in order; names ASCII-lowercased.
    pub fn parameters(&self) -> &[(String, String)] {
        &self.parameters
    }

    /// MIME Sniffing §parameters: the value of the parameter `name` (give it in lowercase).
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// MIME Sniffing §serializing-a-mime-type, isomorphic-encoded (every code point of a parsed
    /// MIME type is at most U+00FF).
    ///
    /// ```
    /// let m = corsgate::mime::Mime::parse(b"a/b;x=\xff").unwrap();
    /// assert_eq!(m.to_bytes(), b"a/b;x=\"\xff\"");
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        // Code points above U+00FF cannot occur (see the module docs); `?` keeps this total.
        self.to_string()
            .chars()
            .map(|c| u8::try_from(c).unwrap_or(b'?'))
            .collect()
    }
}

/// MIME Sniffing §serializing-a-mime-type.
impl fmt::Display for Mime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // 1. type "/" subtype.
        write!(f, "{}/{}", self.type_, self.subtype)?;
        // 2. For each name → value of the parameters:
        for (name, value) in &self.parameters {
            // 2.1-2.3. ";" name "=".
            write!(f, ";{name}=")?;
            // 2.4. Quote a value that is empty or not solely HTTP token code points, escaping
            // `"` and `\`.
            if value.is_empty() || !value.chars().all(is_token_cp) {
                f.write_str("\"")?;
                for c in value.chars() {
                    if c == '"' || c == '\\' {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("\"")?;
            } else {
                // 2.5. Append value.
                f.write_str(value)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_step() {
        assert_eq!(Mime::parse(b""), Err(MimeError::EmptyType));
        assert_eq!(Mime::parse(b"/x"), Err(MimeError::EmptyType));
        assert_eq!(
            Mime::parse(b"t\xe9/x"),
            Err(MimeError::TypeNotToken('\u{e9}'))
        );
        assert_eq!(Mime::parse(b"x"), Err(MimeError::MissingSlash));
        assert_eq!(Mime::parse(b"x/ ;a=b"), Err(MimeError::EmptySubtype));
        assert_eq!(Mime::parse(b"x/y z"), Err(MimeError::SubtypeNotToken(' ')));
    }

    #[test]
    fn quoted_values() {
        let m = Mime::parse(b"x/y;a=\"b\\\"c\\\\\";d=\"e\"f;g=\"h\\").unwrap();
        assert_eq!(m.parameter("a"), Some("b\"c\\"));
        assert_eq!(m.parameter("d"), Some("e"));
        assert_eq!(m.parameter("g"), Some("h\\"));
        assert_eq!(m.to_string(), "x/y;a=\"b\\\"c\\\\\";d=e;g=\"h\\\\\"");
        assert_eq!(
            Mime::parse(b"x/y;a=\"\"").unwrap().to_string(),
            "x/y;a=\"\""
        );
    }
}
