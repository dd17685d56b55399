import TensorCore

/// The sparse forms of MNIST-like data the first linear layer trains on (see `SparseLinear`): the
/// whole set as packed sparse rows, and one batch of it at a time in the forms the layer's kernels read.

/// A data set stored as its non-background entries (compressed sparse rows): x[i, k] = background + value for
/// the listed (k, value) pairs of row i, and background elsewhere. Built once per training set.
///
/// Compact: an entry is one UInt32, the column in its low 16 bits and above them a code into a palette of the
/// set's distinct values (MNIST has at most 255 besides the background, normalised or not): 4 bytes an entry
/// instead of 8, in one stream. The training loop reads these entries for every sample of every epoch,
/// straight from memory, so their size is what it waits for. Sets with wider rows or more distinct values
/// stay dense.
///
/// The columns inked in most rows (`denseColumns`: MNIST's middle, most of Fashion-MNIST) are kept apart, as
/// each row's codes there, one byte a cell, side by side (`denseCodes`): a batch's block of them is a copy of
/// its rows, where an entry would take 4 bytes and a test of its column (measured on Fashion-MNIST: the
/// batch's gather fell from 9% to 2% of the training's time).
public final class SparseRows: @unchecked Sendable {
    public let count: Int
    public let width: Int
    public let background: Float
    /// Row i's entries outside the dense columns are entries[starts[i]..<starts[i + 1]].
    let starts: [Int]
    /// column | code << 16
    let entries: [UInt32]
    /// value - background for each code.
    let palette: [Float]
    /// Columns a batch keeps dense (ascending); none when no palette code stands for the background.
    public let denseColumns: [Int32]
    /// Each row's codes in the dense columns (count x denseColumns.count, row-major), `zeroCode` where the row
    /// has the background.
    let denseCodes: [UInt8]
    /// The palette code whose value is 0 (the background).
    let zeroCode: UInt8?
    /// (scale, shift, subtract) when every code's value is (Float(code) * scale + shift) - subtract, as
    /// `Kernels.expandRows` computes it (checked for all 256 codes): an image set's bytes. The dense block is
    /// then made by arithmetic rather than by looking codes up.
    let affine: [Float]?

    /// nil when more than `maxDensity` of the entries differ from the most common value (dense data), rows are
    /// wider than 65,536 or there are more than 256 distinct values.
    public static func make(features: [Float], width: Int, maxDensity: Double = 0.5) -> SparseRows? {
        guard width > 0, features.count >= width else { return nil }
        return make(FeatureMatrix(floats: features, width: width), maxDensity: maxDensity)
    }

    /// The same from rows read one at a time (a byte-backed image set is never expanded to floats).
    public static func make(_ matrix: FeatureMatrix, maxDensity: Double = 0.5) -> SparseRows? {
        let width = matrix.width
        guard width > 0, width <= 65_536, matrix.count > 0 else { return nil }
        if case .bytes(let bytes, let scale, let shift) = matrix.storage, scale != 0 {
            return fromBytes(bytes, width: width, scale: scale, shift: shift, maxDensity: maxDensity)
        }
        let sampleRows = min(matrix.count, 500)
        var sample = [Float](repeating: 0, count: sampleRows * width)
        sample.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for i in 0..<sampleRows { matrix.copyRow(i, into: base + i * width) }
        }
        let (value, density) = sample.withUnsafeBufferPointer { SparseRows.background(of: $0, width: width) }
        guard density <= maxDensity else { return nil }
        return SparseRows(matrix, background: value)
    }

    /// Straight from an image set's bytes: the palette is the 256 byte values mapped as `FeatureMatrix` maps
    /// them (the same Floats), the background the most common byte of the first 500 rows, the codes the bytes.
    static func fromBytes(_ bytes: [UInt8], width: Int, scale: Float, shift: Float, maxDensity: Double) -> SparseRows? {
        let n = bytes.count / width
        var frequency = [Int](repeating: 0, count: 256)
        let sampled = min(n, 500) * width
        bytes.withUnsafeBufferPointer { b in for i in 0..<sampled { frequency[Int(b[i])] += 1 } }
        var common = 0
        for v in 1..<256 where frequency[v] > frequency[common] { common = v }
        guard 1 - Double(frequency[common]) / Double(max(1, sampled)) <= maxDensity else { return nil }
        let c = Float(common) * scale + shift
        let palette = (0..<256).map { Float($0) * scale + shift - c }
        let background = UInt8(common)
        // The dense columns, judged on the first 10,000 rows.
        let judged = min(n, 10_000)
        var inked = [Int](repeating: 0, count: width)
        bytes.withUnsafeBufferPointer { b in
            inked.withUnsafeMutableBufferPointer { counts in
                for i in 0..<judged {
                    for k in 0..<width where b[i * width + k] != background { counts[k] += 1 }
                }
            }
        }
        // palette[common] is 0: the background byte is the zero code.
        let dense = frequentColumns(inked: inked, rows: judged)
        var isDense = [Bool](repeating: false, count: width)
        for k in dense { isDense[Int(k)] = true }
        let sparse = (0..<width).filter { !isDense[$0] }.map { Int32($0) }
        // Two passes of a kernel (TrainingKernels): the ink of each row counted, then packed (every byte written,
        // only ink moving the cursor on) and the dense columns' bytes copied.
        var starts = [Int](repeating: 0, count: n + 1)
        var codes = [UInt8](repeating: background, count: n * dense.count)
        bytes.withUnsafeBufferPointer { b in
        starts.withUnsafeMutableBufferPointer { s in
        sparse.withUnsafeBufferPointer { sc in
        dense.withUnsafeBufferPointer { dc in
            guard let b = b.baseAddress, let s = s.baseAddress else { return }
            TrainingKernels.table.pointee.sparse_rows_from_bytes(n, width, b, background, sc.baseAddress, sc.count,
                                                                 dc.baseAddress, dc.count, s, nil, nil)
        }
        }
        }
        }
        var entries = [UInt32](repeating: 0, count: starts[n] + 1)
        bytes.withUnsafeBufferPointer { b in
        starts.withUnsafeMutableBufferPointer { s in
        sparse.withUnsafeBufferPointer { sc in
        dense.withUnsafeBufferPointer { dc in
        entries.withUnsafeMutableBufferPointer { out in
        codes.withUnsafeMutableBufferPointer { co in
            guard let b = b.baseAddress, let s = s.baseAddress, let out = out.baseAddress else { return }
            TrainingKernels.table.pointee.sparse_rows_from_bytes(n, width, b, background, sc.baseAddress, sc.count,
                                                                 dc.baseAddress, dc.count, s, out, co.baseAddress)
        }
        }
        }
        }
        }
        }
        return SparseRows(count: n, width: width, background: c, starts: starts, entries: entries, palette: palette,
                          denseColumns: dense, denseCodes: codes, zeroCode: background,
                          affine: [scale, shift, c])
    }

    private init(count: Int, width: Int, background: Float, starts: [Int], entries: [UInt32], palette: [Float],
                 denseColumns: [Int32], denseCodes: [UInt8], zeroCode: UInt8?, affine: [Float]?) {
        self.count = count
        self.width = width
        self.background = background
        self.starts = starts
        self.entries = entries
        self.palette = palette
        self.denseColumns = denseColumns
        self.denseCodes = denseCodes
        self.zeroCode = zeroCode
        self.affine = affine.flatMap { SparseRows.isPalette(affine: $0, palette) ? $0 : nil }
    }

    /// Whether `Kernels.expandRows` with `affine` gives `palette`'s 256 values, bit for bit.
    static func isPalette(affine: [Float], _ palette: [Float]) -> Bool {
        guard affine.count == 3, palette.count == 256 else { return false }
        let codes = (0..<256).map { UInt8($0) }
        var values = [Float](repeating: .nan, count: 256)
        let first = [0]
        first.withUnsafeBufferPointer { f in
            codes.withUnsafeBufferPointer { c in
                palette.withUnsafeBufferPointer { p in
                    affine.withUnsafeBufferPointer { a in
                        values.withUnsafeMutableBufferPointer { out in
                            guard let f = f.baseAddress, let c = c.baseAddress, let p = p.baseAddress, let o = out.baseAddress else { return }
                            Kernels.expandRows(f, count: 1, of: c, width: 256, palette: p, affine: a.baseAddress, into: o)
                        }
                    }
                }
            }
        }
        return values.map(\.bitPattern) == palette.map(\.bitPattern)
    }

    /// Columns with ink in at least `share` of the `rows` rows judged (`inked`: each column's count): MNIST's
    /// middle, about a quarter of the pixels holding three quarters of the ink. A batch's values there go into a
    /// small dense block that the block kernels multiply faster than the sparse kernel can. Empty when fewer than 16
    /// columns qualify.
    static func frequentColumns(inked: [Int], rows: Int, share: Double = 0.35) -> [Int32] {
        guard rows > 0 else { return [] }
        let columns = inked.indices.filter { Double(inked[$0]) >= share * Double(rows) }.map { Int32($0) }
        return columns.count >= 16 ? columns : []
    }

    convenience init?(_ matrix: FeatureMatrix, background c: Float) {
        let n = matrix.count, width = matrix.width
        var starts = [Int](repeating: 0, count: n + 1)
        var paletteIndex: [UInt32: UInt8] = [:]
        var palette: [Float] = []
        var tooManyValues = false
        var row = [Float](repeating: 0, count: width)
        row.withUnsafeMutableBufferPointer { buffer in
            guard let f = buffer.baseAddress else { return }
            var last: (bits: UInt32, code: UInt8)?
            for i in 0..<n {
                matrix.copyRow(i, into: f)
                var ink = 0
                for k in 0..<width {
                    let v = f[k]
                    if v == c { continue }
                    ink += 1
                    if last?.bits == v.bitPattern || tooManyValues { continue }
                    if let code = paletteIndex[v.bitPattern] {
                        last = (v.bitPattern, code)
                    } else if palette.count < 256 {
                        let code = UInt8(palette.count)
                        paletteIndex[v.bitPattern] = code
                        palette.append(v - c)
                        last = (v.bitPattern, code)
                    } else {
                        tooManyValues = true
                    }
                }
                starts[i + 1] = starts[i] + ink
            }
        }
        if tooManyValues { return nil }
        let total = starts[n]
        var entries = [UInt32](repeating: 0, count: total + 1)
        row.withUnsafeMutableBufferPointer { buffer in
            entries.withUnsafeMutableBufferPointer { out in
                guard let f = buffer.baseAddress else { return }
                var e = 0
                var last: (bits: UInt32, code: UInt8) = (c.bitPattern, 0)
                for i in 0..<n {
                    matrix.copyRow(i, into: f)
                    for k in 0..<width {
                        let v = f[k]
                        if v == c { continue }
                        if v.bitPattern != last.bits { last = (v.bitPattern, paletteIndex[v.bitPattern] ?? 0) }
                        out[e] = UInt32(k) | UInt32(last.code) << 16
                        e += 1
                    }
                }
            }
        }
        palette += [Float](repeating: 0, count: 256 - palette.count)
        // A batch's dense block is kept as palette codes, so it needs a code for the background (value 0).
        let zeroCode = palette.firstIndex(of: 0).map { UInt8($0) }
        let judged = min(n, 10_000)
        var inked = [Int](repeating: 0, count: width)
        for e in 0..<starts[judged] { inked[Int(entries[e] & 0xFFFF)] += 1 }
        let dense = zeroCode == nil ? [] : SparseRows.frequentColumns(inked: inked, rows: judged)
        guard let zero = zeroCode, !dense.isEmpty else {
            self.init(count: n, width: width, background: c, starts: starts, entries: entries, palette: palette,
                      denseColumns: [], denseCodes: [], zeroCode: zeroCode, affine: nil)
            return
        }
        // The dense columns' entries move to the rows' codes there.
        var slot = [Int](repeating: -1, count: width)
        for (s, k) in dense.enumerated() { slot[Int(k)] = s }
        var codes = [UInt8](repeating: zero, count: n * dense.count)
        var kept = [Int](repeating: 0, count: n + 1)
        var e = 0
        for i in 0..<n {
            for source in starts[i]..<starts[i + 1] {
                let entry = entries[source], s = slot[Int(entry & 0xFFFF)]
                if s >= 0 {
                    codes[i * dense.count + s] = UInt8(entry >> 16)
                } else {
                    entries[e] = entry
                    e += 1
                }
            }
            kept[i + 1] = e
        }
        entries.removeLast(entries.count - e - 1)
        self.init(count: n, width: width, background: c, starts: kept, entries: entries, palette: palette,
                  denseColumns: dense, denseCodes: codes, zeroCode: zeroCode, affine: nil)
    }

    /// The most common value of a data set and the fraction of entries that are not it, from a sample of rows.
    public static func background(of features: UnsafeBufferPointer<Float>, width: Int, sampleRows: Int = 500) -> (value: Float, density: Double) {
        let rows = width == 0 ? 0 : min(features.count / width, sampleRows)
        guard rows > 0 else { return (0, 1) }
        var counts: [Float: Int] = [:]
        for i in 0..<(rows * width) { counts[features[i], default: 0] += 1 }
        guard let (value, count) = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) else { return (0, 1) }
        return (value, 1 - Double(count) / Double(rows * width))
    }

    /// Fraction of entries that are ink.
    public var density: Double { Double(inkCount) / Double(max(1, count * width)) }

    /// Entries other than the background, the dense columns' included (a dense cell is ink unless it holds the
    /// zero code: an image set's codes are its bytes, the background byte the zero code). Counted when asked.
    var inkCount: Int {
        guard let zero = zeroCode else { return starts[count] }
        return denseCodes.withUnsafeBufferPointer { codes in
            var ink = 0
            for code in codes where code != zero { ink += 1 }
            return starts[count] + ink
        }
    }

    /// Bytes held by the entries and the dense columns' codes.
    public var byteCount: Int { starts.count * 8 + entries.count * 4 + palette.count * 4 + denseCodes.count }
}

/// The rows of a `SparseRows` that make up one batch, in the forms the layer reads: the values in the source's
/// dense columns as a small dense block (for the block kernels, forward and backward), and the other entries row by row (the
/// forward) and regrouped by column (the backward: for each input k, the batch rows with ink there and their
/// values, so the layer reads each row of W, and writes each row of its gradient, once per batch instead of
/// once per sample that has ink in it).
public final class SparseBatch {
    public let source: SparseRows
    public private(set) var rows = 0
    public var width: Int { source.width }
    public var background: Float { source.background }
    /// Column k's entries are columnStarts[k]..<columnStarts[k + 1] of columnEntries, each the batch row |
    /// palette code << 16 (none for a dense column: those are in the block). Batches of up to 65,536 rows.
    private var columnStarts: [Int32]
    private var columnEntries: [UInt32] = [0]
    /// The same entries row by row: row r's are rowStarts[r]..<rowStarts[r + 1] of rowEntries, each the column |
    /// code << 16, as in the source. Packed, half the bytes of an index and a float: the helper thread writes
    /// these and both threads read them.
    private var rowStarts: [Int] = [0]
    private var rowEntries: [UInt32] = [0]
    /// The source's rows in the batch, in order: the dense block is made from their codes.
    private var picked: [Int] = [0]
    /// The block as floats (value - background), one copy per thread that reads it (`withDenseBlock`), each
    /// made from the picked rows' codes (`SparseRows.denseCodes`) at its first use after a `select`: each thread
    /// reads the source's bytes, a quarter of the floats, and writes only its own copy.
    private var denseBlock0: [Float] = [0]
    private var denseBlock1: [Float] = [0]
    private var selection = 0
    private var expanded0 = -1
    private var expanded1 = -1
    /// For each column, its place among the dense columns, or -1.
    private let denseSlot: [Int32]

    public init(_ source: SparseRows) {
        self.source = source
        columnStarts = [Int32](repeating: 0, count: source.width + 1)
        var slots = [Int32](repeating: -1, count: source.width)
        for (i, k) in source.denseColumns.enumerated() { slots[Int(k)] = Int32(i) }
        denseSlot = slots
    }

    /// Makes the batch the rows `picked` of the source, in that order: at most 65,536 of them (the trainer
    /// takes larger batches the dense way).
    public func select(_ picked: ArraySlice<Int>) {
        precondition(picked.count <= 65_536, "a sparse batch holds at most 65,536 rows")
        rows = picked.count
        let width = source.width
        var total = 0
        source.starts.withUnsafeBufferPointer { st in
            for i in picked { total += st[i + 1] - st[i] }
        }
        if rowEntries.count < total + 1 {
            columnEntries = [UInt32](repeating: 0, count: total + 1)
            rowEntries = [UInt32](repeating: 0, count: total + 1)
        }
        if rowStarts.count < rows + 1 { rowStarts = [Int](repeating: 0, count: rows + 1) }
        if self.picked.count < max(1, rows) { self.picked = [Int](repeating: 0, count: max(1, rows)) }
        self.picked.withUnsafeMutableBufferPointer { out in
            for (r, i) in picked.enumerated() { out[r] = i }
        }
        selection += 1
        // One kernel (gather_batch, TrainingKernels): the rows' entries copied, then regrouped by column.
        picked.withUnsafeBufferPointer { p in
        source.starts.withUnsafeBufferPointer { st in
        source.entries.withUnsafeBufferPointer { packed in
        columnStarts.withUnsafeMutableBufferPointer { cs in
        columnEntries.withUnsafeMutableBufferPointer { ce in
        rowStarts.withUnsafeMutableBufferPointer { rs in
        rowEntries.withUnsafeMutableBufferPointer { re in
            guard let st = st.baseAddress, let packed = packed.baseAddress, let cs = cs.baseAddress, let ce = ce.baseAddress,
                  let rs = rs.baseAddress, let re = re.baseAddress
            else { return }
            TrainingKernels.table.pointee.gather_batch(rows, p.baseAddress ?? st, st, packed, width, rs, re, cs, ce)
        }
        }
        }
        }
        }
        }
        }
    }

    /// Starts fetching the entries and dense codes of the rows `upcoming` (the next batch) from memory, so that
    /// `select` and `withDenseBlock` find them in cache: a hint, it changes nothing.
    public func prefetch(_ upcoming: ArraySlice<Int>) {
        let dense = source.denseColumns.count
        source.starts.withUnsafeBufferPointer { st in
        source.entries.withUnsafeBufferPointer { packed in
        source.denseCodes.withUnsafeBufferPointer { codes in
            guard let base = packed.baseAddress else { return }
            for i in upcoming {
                var e = st[i]
                let end = st[i + 1]
                while e < end { Kernels.prefetch(base + e); e += 16 }
                guard let c = codes.baseAddress else { continue }
                var at = i * dense
                let stop = at + dense
                while at < stop { Kernels.prefetch(c + at); at += 64 }
            }
        }
        }
        }
    }

    /// Calls `body(r, entries, packed)` for each row of the batch: its entries (outside the dense columns) are
    /// `entries` of `packed` (column | code << 16, the value the source's palette[code]).
    func forEachRow(_ body: (Int, Range<Int>, Kernels.PackedEntries) -> Void) {
        rowStarts.withUnsafeBufferPointer { rs in
            rowEntries.withUnsafeBufferPointer { re in
                source.palette.withUnsafeBufferPointer { palette in
                    guard let e = re.baseAddress, let p = palette.baseAddress else { return }
                    let packed = Kernels.PackedEntries(e, palette: p)
                    for r in 0..<rows { body(r, rs[r]..<rs[r + 1], packed) }
                }
            }
        }
    }

    /// Calls `body(slots)` with each column's place among the source's dense columns (-1: not dense).
    func withDenseSlots(_ body: (UnsafePointer<Int32>) -> Void) {
        denseSlot.withUnsafeBufferPointer { if let s = $0.baseAddress { body(s) } }
    }

    /// Calls `body(block)` with the dense block as floats (rows x source.denseColumns.count, row-major): copy
    /// `copy` (0 or 1), one per thread that reads the block, made from the codes at its first use after
    /// `select`. Each thread reads and writes only its own copy; they hold the same values.
    func withDenseBlock(copy: Int = 0, _ body: (UnsafePointer<Float>) -> Void) {
        let count = rows * source.denseColumns.count
        func expand(_ block: inout [Float], _ stamp: inout Int) {
            if block.count < max(1, count) { block = [Float](repeating: 0, count: max(1, count)) }
            if stamp != selection {
                block.withUnsafeMutableBufferPointer { out in
                    picked.withUnsafeBufferPointer { rows in
                    source.denseCodes.withUnsafeBufferPointer { codes in
                    source.palette.withUnsafeBufferPointer { palette in
                        guard let o = out.baseAddress, let r = rows.baseAddress, let c = codes.baseAddress,
                              let p = palette.baseAddress else { return }
                        func expand(affine: UnsafePointer<Float>?) {
                            Kernels.expandRows(r, count: self.rows, of: c, width: source.denseColumns.count, palette: p,
                                               affine: affine, into: o)
                        }
                        if let affine = source.affine { affine.withUnsafeBufferPointer { expand(affine: $0.baseAddress) } }
                        else { expand(affine: nil) }
                    }
                    }
                    }
                }
                stamp = selection
            }
            block.withUnsafeBufferPointer { if let b = $0.baseAddress { body(b) } }
        }
        if copy == 0 { expand(&denseBlock0, &expanded0) } else { expand(&denseBlock1, &expanded1) }
    }

    /// Calls `body(starts, packed)` with the batch in column-compressed form (`width` columns; entries batch
    /// row | code << 16, the value the source's palette[code]).
    func withColumns(_ body: (UnsafePointer<Int32>, Kernels.PackedEntries) -> Void) {
        columnStarts.withUnsafeBufferPointer { cs in
            columnEntries.withUnsafeBufferPointer { ce in
                source.palette.withUnsafeBufferPointer { palette in
                    // The entry array always holds at least one element, so even an all-background batch gets here.
                    guard let c = cs.baseAddress, let e = ce.baseAddress, let p = palette.baseAddress else { return }
                    body(c, Kernels.PackedEntries(e, palette: p))
                }
            }
        }
    }
}
