//! Floating-point numbers that survive a JSON round trip bit for bit, for shard state: finite
//! numbers are written as JSON numbers (serde_json's `float_roundtrip` reads them back
//! exactly), and the values JSON has no number for as strings: `"NaN"`, `"inf"`, `"-inf"` and
//! `"-0"`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An `f64` written so that it reads back identical.
#[derive(Debug, Clone, Copy)]
pub(crate) struct F64(pub(crate) f64);

impl Serialize for F64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = self.0;
        if value.is_nan() {
            serializer.serialize_str("NaN")
        } else if value.is_infinite() {
            serializer.serialize_str(if value > 0.0 { "inf" } else { "-inf" })
        } else if value == 0.0 && value.is_sign_negative() {
            serializer.serialize_str("-0")
        } else {
            serializer.serialize_f64(value)
        }
    }
}

impl<'de> Deserialize<'de> for F64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Number(f64),
            Text(String),
        }
        match Written::deserialize(deserializer)? {
            Written::Number(value) => Ok(F64(value)),
            Written::Text(text) => match text.as_str() {
                "NaN" => Ok(F64(f64::NAN)),
                "inf" => Ok(F64(f64::INFINITY)),
                "-inf" => Ok(F64(f64::NEG_INFINITY)),
                "-0" => Ok(F64(-0.0)),
                other => Err(serde::de::Error::custom(format!(
                    "`{other}` is not a number (expected a number, \"NaN\", \"inf\", \"-inf\" or \"-0\")"
                ))),
            },
        }
    }
}

/// `values` as [`F64`]s.
pub(crate) fn wrap(values: &[f64]) -> Vec<F64> {
    values.iter().copied().map(F64).collect()
}

/// [`F64`]s as `f64`s.
pub(crate) fn unwrap(values: &[F64]) -> Vec<f64> {
    values.iter().map(|value| value.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_float_round_trips_bit_for_bit() {
        let values = [
            0.0,
            -0.0,
            0.1 + 0.2,
            3032.2999999999997,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            -1.234_567_890_123_456_7e-300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let text = serde_json::to_string(&wrap(&values)).unwrap();
        let back: Vec<F64> = serde_json::from_str(&text).unwrap();
        let bits = |values: &[f64]| values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&unwrap(&back)), bits(&values), "{text}");
        assert!(serde_json::from_str::<F64>("\"lots\"").is_err());
    }
}
