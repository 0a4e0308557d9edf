import BuildTriageKit
import BuildTriageTestSupport
import Foundation

/// Where the package's `Samples/` and `Tests/Corpus` are.
enum Place {
    static let packageRoot = BuildTriageTestSupport.packageRoot.resolvingSymlinksInPath()
    static let samples = packageRoot.appendingPathComponent("Samples")
    static let corpus = packageRoot.appendingPathComponent("Tests/Corpus")

    static func sample(_ path: String) throws -> Data {
        try Data(contentsOf: samples.appendingPathComponent(path))
    }
}

/// Every reporter's output for a report.
func renderAll(_ report: TriageReport) -> [OutputFormat: String] {
    var outputs: [OutputFormat: String] = [:]
    for format in OutputFormat.allCases {
        outputs[format] = format.reporter.render(report, options: RenderOptions())
    }
    return outputs
}

/// JSON values as plain Foundation trees, for mutating real responses.
enum JSONTree {
    /// A path into a tree: member names and array indices.
    enum Step: Hashable, CustomStringConvertible {
        case key(String)
        case index(Int)

        var description: String {
            switch self {
            case .key(let key): ".\(key)"
            case .index(let index): "[\(index)]"
            }
        }
    }

    /// Every value's path (the root excluded), parents before children.
    static func paths(in value: Any, prefix: [Step] = []) -> [[Step]] {
        var result: [[Step]] = []
        if let object = value as? [String: Any] {
            for key in object.keys.sorted() {
                result.append(prefix + [.key(key)])
                result += paths(in: object[key]!, prefix: prefix + [.key(key)])
            }
        } else if let array = value as? [Any] {
            for (index, element) in array.enumerated() {
                result.append(prefix + [.index(index)])
                result += paths(in: element, prefix: prefix + [.index(index)])
            }
        }
        return result
    }

    static func value(at path: [Step], in tree: Any) -> Any? {
        guard let first = path.first else { return tree }
        switch first {
        case .key(let key): return (tree as? [String: Any])?[key].flatMap { value(at: Array(path.dropFirst()), in: $0) }
        case .index(let index):
            guard let array = tree as? [Any], array.indices.contains(index) else { return nil }
            return value(at: Array(path.dropFirst()), in: array[index])
        }
    }

    static func replacing(_ path: [Step], in tree: Any, with newValue: Any) -> Any {
        guard let first = path.first else { return newValue }
        let rest = Array(path.dropFirst())
        switch first {
        case .key(let key):
            var object = tree as? [String: Any] ?? [:]
            object[key] = replacing(rest, in: object[key] ?? NSNull(), with: newValue)
            return object
        case .index(let index):
            var array = tree as? [Any] ?? []
            array[index] = replacing(rest, in: array[index], with: newValue)
            return array
        }
    }

    /// Leaf values (not objects or arrays) by path, each as canonical JSON text.
    static func leaves(_ value: Any, prefix: [Step] = []) -> [[Step]: String] {
        var result: [[Step]: String] = [:]
        if let object = value as? [String: Any] {
            for (key, member) in object { result.merge(leaves(member, prefix: prefix + [.key(key)])) { $1 } }
        } else if let array = value as? [Any] {
            for (index, element) in array.enumerated() { result.merge(leaves(element, prefix: prefix + [.index(index)])) { $1 } }
        } else {
            let data = (try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys])) ?? Data()
            result[prefix] = String(decoding: data, as: UTF8.self)
        }
        return result
    }

    /// Values of another type than `value`'s: what a broken or hostile producer might put there.
    static func wrongTypes(for value: Any) -> [Any] {
        switch value {
        case is String: [12345, [String: Any](), true]
        case is NSNumber, is Bool: ["42", [Any](), ["n": 1]]
        case is [Any]: [["a": 1], "list", 3.5]
        case is [String: Any]: [[1, 2], "object", false]
        default: [[String: Any](), "null"]
        }
    }
}

