import Transcript

// libFuzzer entry point for notebooks (issue 17, item 7): every input is the content of an `.ipynb` file given to
// `nnlab run`, `convert` or `check`, read through the reader's one entry point. A notebook that reads must
// render (as nnlab writes notebooks) to JSON that reads again. Build and run with `scripts/fuzz.sh notebook`.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let notebook = try? NotebookReader.parse(bytes) else { return 0 }
    _ = notebook.run
    let cells = notebook.transcriptCells
    let transcript = Transcript(header: TranscriptHeader(version: "fuzz", script: "fuzz.ipynb", seed: nil, data: [], timing: false,
                                                         startedAt: nil), cells: cells)
    let rendered = transcript.render(.notebook)
    guard let again = try? NotebookReader.parse(Array(rendered.utf8)) else {
        fatalError("a notebook written from a notebook that read does not read")
    }
    if again.cells.map(\.source) != notebook.cells.map(\.source) { fatalError("cell sources changed in a round trip") }
    return 0
}
