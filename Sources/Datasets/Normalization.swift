/// How raw feature values (0...255 pixels for image sets) are scaled before training.
public enum Normalization: Sendable, Equatable {
    /// Raw values.
    case none
    /// x / 255, into 0...1.
    case unit
    /// (x / 255 - mean) / std, for 0-255 pixels; each image set's usual constants are `ImageSet.standardNormalization`.
    case standard(mean: Float, std: Float)
    /// (x - mean) / std on the values as stored, with statistics computed from a training set (`fitted(to:)`): for
    /// data that are not 0-255 pixels, whose mean and spread nobody knows in advance.
    case standardScore(mean: Float, std: Float)

    /// The per-pixel mean and standard deviation of the MNIST training set (after x/255), as PyTorch's MNIST
    /// examples pass them to transforms.Normalize.
    public static let mnistStandard = Normalization.standard(mean: 0.1307, std: 0.3081)
    /// The same for Fashion-MNIST's training set.
    public static let fashionMNISTStandard = Normalization.standard(mean: 0.2860, std: 0.3530)

    /// Standardisation with the mean and standard deviation of every value of `data` (as stored, before any
    /// normalisation): one mean and one std for all features, as for images. Computed in Double.
    public static func fitted(to data: LabeledData) -> Normalization {
        var sum = 0.0, sumOfSquares = 0.0
        let n = data.count * data.featureCount
        for r in 0..<data.count {
            for v in data.matrix.row(r) {
                let raw = Double(data.normalization.denormalize(v))
                sum += raw
                sumOfSquares += raw * raw
            }
        }
        guard n > 0 else { return .standardScore(mean: 0, std: 1) }
        let mean = sum / Double(n)
        let std = max(0, sumOfSquares / Double(n) - mean * mean).squareRoot()
        return .standardScore(mean: Float(mean), std: Float(std))
    }

    /// Rescales `data.features` to this normalisation. The current `data.normalization` is undone
    /// first, so applying `.unit` after `.standard` (or `.none` to get raw pixels back) is safe.
    public func apply(to data: inout LabeledData) {
        let previous = data.normalization
        guard previous != self else { return }
        // Composition of two affine maps is affine: new = scale * old + shift.
        let (undoScale, undoShift) = previous.inverseCoefficients
        let (scale, shift) = coefficients
        let totalScale = scale * undoScale
        let totalShift = scale * undoShift + shift
        // Byte-backed image sets only change the map applied on reading.
        data.matrix = data.matrix.affine(scale: totalScale, shift: totalShift)
        data.normalization = self
    }

    /// Maps a raw value (0...255) to the normalised scale.
    public func normalize(_ raw: Float) -> Float {
        let (scale, shift) = coefficients
        return raw * scale + shift
    }

    /// Maps a normalised value back to the raw scale (0...255 for pixels), e.g. for drawing.
    public func denormalize(_ value: Float) -> Float {
        let (scale, shift) = inverseCoefficients
        return value * scale + shift
    }

    /// normalised = raw * scale + shift
    private var coefficients: (scale: Float, shift: Float) {
        switch self {
        case .none: return (1, 0)
        case .unit: return (1 / 255, 0)
        case let .standard(mean, std):
            let safeStd = std == 0 ? 1 : std  // a zero std would turn every pixel into inf
            return (1 / (255 * safeStd), -mean / safeStd)
        case let .standardScore(mean, std):
            let safeStd = std == 0 ? 1 : std
            return (1 / safeStd, -mean / safeStd)
        }
    }

    /// raw = normalised * scale + shift
    private var inverseCoefficients: (scale: Float, shift: Float) {
        switch self {
        case .none: return (1, 0)
        case .unit: return (255, 0)
        case let .standard(mean, std):
            let safeStd = std == 0 ? 1 : std
            return (255 * safeStd, 255 * mean)
        case let .standardScore(mean, std):
            return (std == 0 ? 1 : std, mean)
        }
    }
}
