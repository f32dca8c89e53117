//! Fetch §simple-range-header-value (<https://fetch.spec.whatwg.org/#simple-range-header-value>):
//! parse a single range header value.

use crate::header::is_http_tab_or_space;

/// Fetch §simple-range-header-value: why a `Range` value is not a single byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// Step 2: the value does not start with `bytes` (byte for byte; `BYTES` fails too).
    #[error("a range must start with `bytes` (Fetch §simple-range-header-value step 2)")]
    NotBytes,
    /// Step 5: no `=` after `bytes` (and optional whitespace when allowed).
    #[error("expected `=` after `bytes` (Fetch §simple-range-header-value step 5)")]
    ExpectedEquals,
    /// Step 11: no `-` after the start position.
    #[error("expected `-` after the range start (Fetch §simple-range-header-value step 11)")]
    ExpectedHyphen,
    /// Step 16: bytes remain after the end position (e.g. a second range after `,`).
    #[error("unexpected bytes after the range end (Fetch §simple-range-header-value step 16)")]
    TrailingBytes,
    /// Step 17: both the start and the end are missing (`bytes=-`).
    #[error("a range needs a start or an end (Fetch §simple-range-header-value step 17)")]
    Empty,
    /// Step 18: the start is greater than the end.
    #[error("the range start is greater than its end (Fetch §simple-range-header-value step 18)")]
    StartAfterEnd,
    /// Steps 9 and 15: a position does not fit in 64 bits. The standard's numbers are unbounded;
    /// no byte offset can exceed `u64::MAX`, so such a range is refused rather than truncated.
    #[error("a range position does not fit in 64 bits")]
    Overflow,
}

/// Collects ASCII digits from `data` at `*pos` and interprets them as a decimal number: `None`
/// when there are none (steps 8-9 and 14-15). Leading zeros never overflow.
fn collect_number(data: &[u8], pos: &mut usize) -> Result<Option<u64>, RangeError> {
    let start = *pos;
    let mut value: u64 = 0;
    while let Some(&b) = data.get(*pos) {
        if !b.is_ascii_digit() {
            break;
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or(RangeError::Overflow)?;
        *pos += 1;
    }
    Ok((*pos > start).then_some(value))
}

/// Skips HTTP tab or space bytes at `*pos` when `allow` is set.
fn skip_tab_or_space(data: &[u8], pos: &mut usize, allow: bool) {
    if allow {
        while data.get(*pos).is_some_and(|&b| is_http_tab_or_space(b)) {
            *pos += 1;
        }
    }
}

/// Fetch §simple-range-header-value: parse `bytes=start-end` where either side may be empty (not
/// both), returning `(start, end)`. With `allow_whitespace`, tabs and spaces are allowed around
/// `=` and `-`. Numbers that do not fit in `u64` fail with [`RangeError::Overflow`].
///
/// ```
/// use corsgate::range::{parse_single_range, RangeError};
/// assert_eq!(parse_single_range(b"bytes=0-499", false), Ok((Some(0), Some(499))));
/// assert_eq!(parse_single_range(b"bytes=-500", false), Ok((None, Some(500))));
/// assert_eq!(parse_single_range(b"bytes = 9-", true), Ok((Some(9), None)));
/// assert_eq!(parse_single_range(b"bytes = 9-", false), Err(RangeError::ExpectedEquals));
/// assert_eq!(parse_single_range(b"bytes=1-2,3-4", false), Err(RangeError::TrailingBytes));
/// ```
pub fn parse_single_range(
    value: &[u8],
    allow_whitespace: bool,
) -> Result<(Option<u64>, Option<u64>), RangeError> {
    // 1. Let data be the isomorphic decoding of value (bytes and code points coincide here).
    let data = value;
    // 2. If data does not start with "bytes", return failure.
    if !data.starts_with(b"bytes") {
        return Err(RangeError::NotBytes);
    }
    // 3. Let position point at the 5th code point (just after "bytes").
    let mut pos = b"bytes".len();
    // 4. If allowWhitespace, collect HTTP tab or space.
    skip_tab_or_space(data, &mut pos, allow_whitespace);
    // 5. If the code point at position is not "=", return failure.
    if data.get(pos) != Some(&b'=') {
        return Err(RangeError::ExpectedEquals);
    }
    // 6. Advance position by 1.
    pos += 1;
    // 7. If allowWhitespace, collect HTTP tab or space.
    skip_tab_or_space(data, &mut pos, allow_whitespace);
    // 8-9. rangeStart: ASCII digits, as a decimal number, or null when empty.
    let start = collect_number(data, &mut pos)?;
    // 10. If allowWhitespace, collect HTTP tab or space.
    skip_tab_or_space(data, &mut pos, allow_whitespace);
    // 11. If the code point at position is not "-", return failure.
    if data.get(pos) != Some(&b'-') {
        return Err(RangeError::ExpectedHyphen);
    }
    // 12. Advance position by 1.
    pos += 1;
    // 13. If allowWhitespace, collect HTTP tab or space.
    skip_tab_or_space(data, &mut pos, allow_whitespace);
    // 14-15. rangeEnd: ASCII digits, as a decimal number, or null when empty.
    let end = collect_number(data, &mut pos)?;
    // 16. If position is not past the end of data, return failure.
    if pos < data.len() {
        return Err(RangeError::TrailingBytes);
    }
    match (start, end) {
        // 17. If rangeEndValue and rangeStartValue are null, return failure.
        (None, None) => Err(RangeError::Empty),
        // 18. If both are numbers and rangeStartValue > rangeEndValue, return failure.
        (Some(s), Some(e)) if s > e => Err(RangeError::StartAfterEnd),
        // 19. Return (rangeStartValue, rangeEndValue).
        range => Ok(range),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        assert_eq!(
            parse_single_range(b"bytes=18446744073709551615-", false),
            Ok((Some(u64::MAX), None))
        );
        assert_eq!(
            parse_single_range(b"bytes=18446744073709551616-", false),
            Err(RangeError::Overflow)
        );
        assert_eq!(
            parse_single_range(b"bytes=-99999999999999999999", false),
            Err(RangeError::Overflow)
        );
        let zeros = [b"bytes=".to_vec(), vec![b'0'; 200], b"7-".to_vec()].concat();
        assert_eq!(parse_single_range(&zeros, false), Ok((Some(7), None)));
    }

    #[test]
    fn failures_name_the_step() {
        assert_eq!(parse_single_range(b"", false), Err(RangeError::NotBytes));
        assert_eq!(
            parse_single_range(b"BYTES=1-2", false),
            Err(RangeError::NotBytes)
        );
        assert_eq!(
            parse_single_range(b"bytes", false),
            Err(RangeError::ExpectedEquals)
        );
        assert_eq!(
            parse_single_range(b"bytes=1", false),
            Err(RangeError::ExpectedHyphen)
        );
        assert_eq!(
            parse_single_range(b"bytes=-", false),
            Err(RangeError::Empty)
        );
        assert_eq!(
            parse_single_range(b"bytes=2-1", false),
            Err(RangeError::StartAfterEnd)
        );
        assert_eq!(
            parse_single_range(b"bytes=1-2 ", true),
            Err(RangeError::TrailingBytes)
        );
        assert_eq!(
            parse_single_range(b"bytes\t=\t1\t-\t2", true),
            Ok((Some(1), Some(2)))
        );
    }
}
