/// Ranges computed from the finite values only, widened when degenerate, rounded to readable limits.
enum DataRange {
    /// Smallest and largest finite value, or nil when there is none.
    static func finiteBounds<S: Sequence>(_ values: S) -> (lower: Double, upper: Double)? where S.Element == Double {
        var lower = Double.infinity
        var upper = -Double.infinity
        for value in values where value.isFinite {
            lower = min(lower, value)
            upper = max(upper, value)
        }
        return lower <= upper ? (lower, upper) : nil
    }

    /// A constant series still needs a non-empty range to map onto rows: widen by 10% of its value (or 1).
    static func widenedIfDegenerate(_ lower: Double, _ upper: Double) -> (lower: Double, upper: Double) {
        guard upper > lower else {
            let delta = lower == 0 ? 1 : abs(lower) * 0.1
            return (lower - delta, upper + delta)
        }
        // Ranges wider than the largest Double cannot be divided into pixels; halve the reach.
        if !(upper - lower).isFinite { return (lower / 2, upper / 2) }
        return (lower, upper)
    }

    /// Limits rounded outward to one digit below the span's magnitude (0.049...2.31 becomes 0...2.4),
    /// so tick labels are short; the change is at most a few percent of the span.
    static func niceLimits(_ lower: Double, _ upper: Double) -> (lower: Double, upper: Double) {
        let (low, high) = widenedIfDegenerate(lower, upper)
        let span = high - low
        guard span.isFinite, span > 0 else { return (low, high) }
        let step = pow10(decimalExponent(span) - 1)
        guard step.isFinite, step > 0 else { return (low, high) }
        let niceLow = (low / step).rounded(.down) * step
        let niceHigh = (high / step).rounded(.up) * step
        guard niceLow.isFinite, niceHigh.isFinite, niceHigh > niceLow, (niceHigh - niceLow).isFinite else { return (low, high) }
        return (niceLow, niceHigh)
    }

    /// Tick positions at 1, 2 or 5 times a power of ten, about `count` of them over lower...upper: `lower` and
    /// `upper` are the range widened to the ticks at or just outside it, `values` the ticks from one to the
    /// other (callers that keep the original range filter them). Ticks are whole multiples of the step, so
    /// 0.1 * 3 prints as 0.3.
    static func niceTicks(_ lower: Double, _ upper: Double, count: Int = 5) -> (lower: Double, upper: Double, values: [Double]) {
        let (low, high) = widenedIfDegenerate(lower, upper)
        let span = high - low
        guard span.isFinite, span > 0 else { return (low, high, [low, high]) }
        let rough = span / Double(min(max(count, 1), 50))
        let base = pow10(decimalExponent(rough))
        guard base > 0, base.isFinite else { return (low, high, [low, high]) }
        let fraction = rough / base
        let step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * base
        let outerFirst = (low / step + 1e-9).rounded(.down), outerLast = (high / step - 1e-9).rounded(.up)
        // Multiples beyond 2^53 are not whole numbers any more; such a range keeps its ends as ticks.
        guard abs(outerFirst) < 1e15, abs(outerLast) < 1e15, outerFirst <= outerLast else { return (low, high, [low, high]) }
        func tick(_ multiple: Double) -> Double {
            let value = multiple * step
            return value == 0 ? 0 : value  // no "-0"
        }
        let values = stride(from: outerFirst, through: outerLast, by: 1).map(tick)
        return (min(low, tick(outerFirst)), max(high, tick(outerLast)), values)
    }

    /// An axis of a chart over the plane (regions, output map): the range asked for, a non-finite bound replaced by
    /// the points' own, widened when empty; nil when a bound is not finite and no point is.
    static func planeLimits(_ range: ClosedRange<Double>, fallback: [Double]) -> (lower: Double, upper: Double)? {
        var lower = range.lowerBound, upper = range.upperBound
        if !lower.isFinite || !upper.isFinite {
            guard let bounds = finiteBounds(fallback) else { return nil }
            if !lower.isFinite { lower = bounds.lower }
            if !upper.isFinite { upper = bounds.upper }
        }
        return upper > lower ? (lower, upper) : widenedIfDegenerate(min(lower, upper), min(lower, upper))
    }

    /// Converts a coordinate to an index, refusing NaN/Inf (Int(Double.nan) would trap) and clamping
    /// anything outside `bounds`.
    static func index(_ value: Double, clampedTo bounds: ClosedRange<Int>) -> Int? {
        guard value.isFinite else { return nil }
        if value <= Double(bounds.lowerBound) { return bounds.lowerBound }
        if value >= Double(bounds.upperBound) { return bounds.upperBound }
        return Int(value)
    }

    /// The cell of a `rows` x `columns` grid over the limits (top row at the highest y) that (x, y) falls in; a
    /// point on the upper or outer edge goes to the last cell, one outside the limits to the nearest; nil for NaN/Inf.
    static func cell(x: Double, y: Double, xLimits: (lower: Double, upper: Double), yLimits: (lower: Double, upper: Double),
                     rows: Int, columns: Int) -> (row: Int, column: Int)? {
        let column = (x - xLimits.lower) / (xLimits.upper - xLimits.lower) * Double(columns)
        let row = (yLimits.upper - y) / (yLimits.upper - yLimits.lower) * Double(rows)
        guard let c = index(column.rounded(.down), clampedTo: 0...(columns - 1)),
              let r = index(row.rounded(.down), clampedTo: 0...(rows - 1)) else { return nil }
        return (r, c)
    }

    // Pure-stdlib powers and logarithms of ten, enough for choosing tick steps.
    static func pow10(_ exponent: Int) -> Double {
        // Beyond these the result is not representable; saying so keeps callers' loops finite.
        if exponent > 308 { return .infinity }
        if exponent < -323 { return 0 }
        var result = 1.0
        if exponent >= 0 {
            for _ in 0..<exponent { result *= 10 }
        } else {
            for _ in 0..<(-exponent) { result /= 10 }
        }
        return result
    }

    /// floor(log10(value)) for positive finite values.
    static func decimalExponent(_ value: Double) -> Int {
        guard value > 0, value.isFinite else { return 0 }
        // Exponent from the binary representation, then refine so 10^result <= value < 10^(result+1).
        var exponent = Int((Double(value.exponent) * 0.30102999566398120).rounded(.down))
        while pow10(exponent) > value { exponent -= 1 }
        while pow10(exponent + 1) <= value { exponent += 1 }
        return exponent
    }
}
