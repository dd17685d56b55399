import Basics

/// Renders a transcript as an nbformat 4.5 notebook: one cell per script cell, text outputs as stdout
/// streams, figures as display_data (`image/svg+xml`, with the terminal chart as `text/plain`, so Jupyter
/// shows the picture and text-only viewers the text), errors as error outputs, run facts under
/// `metadata.nnlab`.
enum NotebookRenderer {
    static func render(_ transcript: Transcript) -> String {
        var used = Set<String>()
        let cells = transcript.cells.enumerated().map { position, cell in
            // An id read from the input notebook is kept when it is valid and unique; else a positional one.
            let id = cell.id.flatMap { isValidID($0) && used.insert($0).inserted ? $0 : nil } ?? "cell-\(position + 1)"
            return renderCell(cell, id: id)
        }
        let notebook: JSONValue = .object([
            "cells": .array(cells),
            "metadata": metadata(transcript.header, kept: transcript.metadata),
            "nbformat": .integer(4),
            "nbformat_minor": .integer(5),
        ])
        return notebook.serialized()
    }

    /// nbformat 4.5: 1-64 letters, digits, '-' and '_'.
    private static func isValidID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    private static func metadata(_ header: TranscriptHeader, kept: [String: JSONValue]) -> JSONValue {
        var members = kept
        members["kernelspec"] = LanguageInfo.kernelspec
        members["language_info"] = LanguageInfo.json(version: header.version)
        members["nnlab"] = header.executed ? runFacts(header) : nil
        return .object(members)
    }

    private static func runFacts(_ header: TranscriptHeader) -> JSONValue {
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
        if let blas = header.blas { run["blas"] = .string(blas) }
        if let width = header.chartWidth, let unicode = header.unicodeCharts {
            var charts: [String: JSONValue] = ["width": .integer(Int64(width)), "unicode": .bool(unicode)]
            // Written only where labels and glyphs differ (ASCII glyphs, labels as written), so other notebooks
            // keep their bytes.
            if let labels = header.unicodeChartLabels, labels != unicode { charts["unicodeLabels"] = .bool(labels) }
            run["charts"] = .object(charts)
        }
        return .object(run)
    }

    /// Cell ids are positional ("cell-1", ...): deterministic, unique, and within nbformat's id pattern.
    private static func renderCell(_ cell: TranscriptCell, id: String) -> JSONValue {
        // The `# %% Title` goes where Jupytext keeps it, in the cell's metadata.
        var kept = cell.metadata
        kept["title"] = cell.title.map { .string($0) }
        let cellMetadata: JSONValue = .object(kept)
        let source: JSONValue = .array(jupyterLines(cell.source).map { .string($0) })
        switch cell.kind {
        case .markdown:
            var fields: [String: JSONValue] = ["cell_type": .string("markdown"), "id": .string(id),
                                               "metadata": cellMetadata, "source": source]
            fields["attachments"] = cell.attachments
            return .object(fields)
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
        for output in cell.mergedOutputs {
            switch output {
            case .text(let raw):
                let text = TerminalText.clean(raw)
                guard !text.isEmpty else { continue }
                outputs.append(.object([
                    "output_type": .string("stream"),
                    "name": .string("stdout"),
                    "text": .array(jupyterLines(text).map { .string($0) }),
                ]))
            case .figure(let figure):
                outputs.append(.object([
                    "output_type": .string("display_data"),
                    "data": .object(figure.mimeBundle.mapValues { .array(jupyterLines($0).map { .string($0) }) }),
                    "metadata": .object([:]),
                ]))
            }
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
