/// Renders a transcript as an nbformat 4.5 notebook: one cell per script cell, text outputs as stdout
/// streams, errors as error outputs, run facts under `metadata.nnlab`.
enum NotebookRenderer {
    static func render(_ transcript: Transcript) -> String {
        let cells = transcript.cells.enumerated().map { position, cell in
            renderCell(cell, id: "cell-\(position + 1)")
        }
        let notebook: JSONValue = .object([
            "cells": .array(cells),
            "metadata": metadata(transcript.header),
            "nbformat": .integer(4),
            "nbformat_minor": .integer(5),
        ])
        return notebook.serialized()
    }

    private static func metadata(_ header: TranscriptHeader) -> JSONValue {
        var run: [String: JSONValue] = [
            "tool": .string(header.tool),
            "version": .string(header.version),
            "script": .string(header.script),
            "seed": header.seed.map { .unsignedInteger($0) } ?? .null,
            "data": .array(header.data.map { checksum in
                .object(["file": .string(checksum.file), "sha256": .string(checksum.sha256)])
            }),
            "timing": .bool(header.timing),
        ]
        if let startedAt = header.writableStartDate { run["startedAt"] = .string(startedAt) }
        return .object([
            "kernelspec": .object([
                "name": .string("nnlab"), "display_name": .string("nnlab"), "language": .string("nnlab"),
            ]),
            "language_info": .object(["name": .string("nnlab"), "file_extension": .string(".nnl")]),
            "nnlab": .object(run),
        ])
    }

    /// Cell ids are positional ("cell-1", ...): deterministic, unique, and within nbformat's id pattern.
    private static func renderCell(_ cell: TranscriptCell, id: String) -> JSONValue {
        // The `# %% Title` goes where Jupytext keeps it, in the cell's metadata.
        let cellMetadata: JSONValue = .object(cell.title.map { ["title": .string($0)] } ?? [:])
        let source: JSONValue = .array(jupyterLines(cell.source).map { .string($0) })
        switch cell.kind {
        case .markdown:
            return .object(["cell_type": .string("markdown"), "id": .string(id),
                            "metadata": cellMetadata, "source": source])
        case .code:
            return .object([
                "cell_type": .string("code"),
                "id": .string(id),
                "metadata": cellMetadata,
                "source": source,
                "execution_count": cell.executionCount.map { .integer(Int64($0)) } ?? .null,
                "outputs": .array(outputs(of: cell)),
            ])
        }
    }

    private static func outputs(of cell: TranscriptCell) -> [JSONValue] {
        var outputs: [JSONValue] = []
        let text = TerminalText.clean(cell.output)
        if !text.isEmpty {
            outputs.append(.object([
                "output_type": .string("stream"),
                "name": .string("stdout"),
                "text": .array(jupyterLines(text).map { .string($0) }),
            ]))
        }
        if let error = cell.error {
            // Jupyter shows only the traceback, so it carries everything the terminal showed.
            outputs.append(.object([
                "output_type": .string("error"),
                "ename": .string(TerminalText.clean(error.name)),
                "evalue": .string(TerminalText.clean(error.message)),
                "traceback": .array(error.displayLines.map { .string($0) }),
            ]))
        }
        return outputs
    }
}
