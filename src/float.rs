//! `f64` rounding and powers without std: core has no `trunc`, `ceil`, `round` or `powi` on
//! stable (they are libm calls), and the npm engine is built without std.
// Some are used by browser-only code (the cookie store, the npm face) alone.
#![cfg_attr(not(all(target_arch = "wasm32", feature = "js")), allow(dead_code))]

/// `x` with its fraction dropped (NaN and infinities as they are).
pub(crate) fn trunc(x: f64) -> f64 {
    // From 2^52 on every f64 is a whole number; NaN fails the comparison.
    if x.abs() < 4_503_599_627_370_496.0 {
        // The sign too: trunc(-0.5) is -0.
        ((x as i64) as f64).copysign(x)
    } else {
        x
    }
}

/// The fractional part (`x - trunc(x)`; NaN for NaN and infinities).
pub(crate) fn fract(x: f64) -> f64 {
    x - trunc(x)
}

/// The smallest whole number `>= x`.
pub(crate) fn ceil(x: f64) -> f64 {
    let t = trunc(x);
    if x > t {
        t + 1.0
    } else {
        t
    }
}

/// The nearest whole number, halves away from zero (as `f64::round`).
pub(crate) fn round(x: f64) -> f64 {
    let t = trunc(x);
    match x - t {
        f if f >= 0.5 => t + 1.0,
        f if f <= -0.5 => t - 1.0,
        _ => t,
    }
}

/// `base` to the power `n`, by repeated squaring (as `f64::powi`, compiler-rt's `__powidf2`).
pub(crate) fn powi(mut base: f64, n: i32) -> f64 {
    let mut b = n.unsigned_abs();
    let mut r = 1.0;
    loop {
        if b & 1 == 1 {
            r *= base;
        }
        b /= 2;
        if b == 0 {
            break;
        }
        base *= base;
    }
    if n < 0 {
        1.0 / r
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agree_with_std() {
        let xs = [
            0.0,
            0.25,
            0.5,
            0.75,
            1.0,
            1.5,
            2.5,
            -0.25,
            -0.5,
            -1.5,
            -2.5,
            1e-300,
            123456.789,
            -98765.4321,
            4_503_599_627_370_495.5,
            9.007_199_254_740_993e15,
            1e300,
            -1e300,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::EPSILON,
        ];
        // Bit for bit (the sign of zero included).
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        for x in xs.into_iter().flat_map(|x| [x, -x]) {
            assert!(same(trunc(x), x.trunc()), "trunc {x}");
            assert!(same(ceil(x), x.ceil()), "ceil {x}");
            assert!(same(round(x), x.round()), "round {x}");
            assert!(same(fract(x), x.fract()), "fract {x}");
        }
        for f in [trunc, ceil, round, fract] {
            assert!(f(f64::NAN).is_nan());
        }
        for base in [10.0, 2.0, 0.5, -3.0, 1.0000001] {
            for n in [-400, -308, -22, -1, 0, 1, 2, 3, 22, 60, 308, 400] {
                assert_eq!(powi(base, n), base.powi(n), "{base}^{n}");
            }
        }
    }
}
