import Datasets

// libFuzzer entry point for the data-file readers (issue 17, item 7): every input is the content of a file a
// student might hand `load csv` or put in the MNIST cache. The first byte picks the reader, so one corpus and
// one dictionary cover both; the rest of the bytes are the file:
//   even first byte: IDX (raw, or gzip when it starts 1f 8b), as images and as labels, through the checks
//                    the image-set loader makes;
//   odd first byte:  CSV (plain or gzip), with the label column chosen by the second byte, and two files
//                    sharing their classes.
// Nothing touches the disk. Build and run with `scripts/fuzz.sh data`.

/// Inflated content is capped: a gzip bomb is an error at this size, not a blown memory limit.
let inflateLimit = 16 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] % 2 == 0 { idx(bytes) } else { csv(bytes, column: data[0]) }
    return 0
}

func idx(_ input: [UInt8]) {
    var content = input
    if Gzip.isGzip(input) {
        guard let inflated = try? Gzip.decompress(input, file: "f.gz", limit: inflateLimit) else { return }
        content = inflated
    }
    guard let array = try? IDX.parse(content, file: "f") else { return }
    // What the loader does with a parsed file: images need 3 dimensions, labels one, each below the class count.
    _ = try? ImageSetLoader.images(content, file: "f")
    _ = try? ImageSetLoader.labels(content, count: array.dims.first ?? 0, classCount: 10, file: "f")
    // The encoder gives back what was parsed.
    if (try? IDX.parse(IDX.encode(array), file: "again")) != array { fatalError("IDX round trip changed the array") }
}

func csv(_ input: [UInt8], column selector: UInt8) {
    let columns = ["0", "-1", "1", "label", "class", " 2 "]
    let column = columns[Int(selector / 2) % columns.count]
    var content = input
    if Gzip.isGzip(input) {
        guard let inflated = try? Gzip.decompress(input, file: "f.csv.gz", limit: inflateLimit) else { return }
        content = inflated
    }
    guard var first = try? CSV.parseLabeled(content, file: "f.csv", labelColumn: column, name: "f") else { return }
    if first.features.count != first.count * first.featureCount || first.labels.count != first.count
        || first.labels.contains(where: { $0 < 0 || Int($0) >= first.classNames.count }) {
        fatalError("CSV result is inconsistent")
    }
    // The same file as its own test set, and its first half against the whole: classes shared without a trap.
    var second = first.subset(0..<(first.count / 2 + 1))
    _ = LabeledData.sharingClasses(&first, &second)
    if second.labels.contains(where: { Int($0) >= second.classNames.count }) || first.classNames != second.classNames {
        fatalError("shared classes are inconsistent")
    }
}
