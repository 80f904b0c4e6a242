import JSON
import Testing

@Suite("JSON Schema validation")
struct JSONSchemaTests {
    static let reading = try! JSONParser.parse(
        #"""
        {
          "type": "object",
          "required": ["ts", "lon", "lat"],
          "properties": {
            "sensor_id": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[a-z0-9-]+$"},
            "ts": {"type": ["string", "number"]},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
            "lat": {"type": "number", "exclusiveMinimum": -90.5, "exclusiveMaximum": 90.5},
            "kind": {"enum": ["air", "water"]},
            "version": {"const": 1},
            "when": {"type": "string", "format": "date-time"},
            "day": {"type": "string", "format": "date"},
            "id": {"type": "string", "format": "uuid"},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
            "values": {"type": "object", "additionalProperties": {"type": "number"}, "minProperties": 1},
            "count": {"type": "integer"},
            "either": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "not_null": {"not": {"type": "null"}},
            "ref": {"$ref": "#/$defs/positive"}
          },
          "additionalProperties": {"type": "number"},
          "$defs": {"positive": {"type": "number", "minimum": 0}}
        }
        """#)
    let schema = try! JSONSchema(reading)

    @Test(
        "accepts what matches",
        arguments: [
            #"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6}"#,
            #"{"ts":1795600000000,"lon":-180,"lat":90.4,"pm25":3}"#,
            #"{"ts":"x","lon":1,"lat":1,"sensor_id":"wh-1","kind":"air","version":1,"when":"2026-02-28T23:59:60.5+08:00","day":"2024-02-29"}"#,
            #"{"ts":"x","lon":1,"lat":1,"id":"01a2114a-1f00-74ff-9957-8263e5347864","tags":["a"],"values":{"no2":1.5},"count":3}"#,
            #"{"ts":"x","lon":1,"lat":1,"either":"s","not_null":false,"ref":0}"#,
        ])
    func accepts(_ text: String) throws {
        #expect(schema.validate(try JSONParser.parse(text)).isEmpty)
    }

    @Test(
        "names the path and the reason of what does not match",
        arguments: [
            (#"{"lon":1,"lat":1}"#, "", "missing required member \"ts\""),
            (#"{"ts":true,"lon":1,"lat":1}"#, "/ts", "expected string or number, found boolean"),
            (#"{"ts":"x","lon":181,"lat":1}"#, "/lon", "must be ≤ 180"),
            (#"{"ts":"x","lon":1,"lat":90.5}"#, "/lat", "must be < 90.5"),
            (#"{"ts":"x","lon":1,"lat":1,"sensor_id":""}"#, "/sensor_id", "at least 1 characters"),
            (#"{"ts":"x","lon":1,"lat":1,"sensor_id":"WH 1"}"#, "/sensor_id", "must match"),
            (#"{"ts":"x","lon":1,"lat":1,"kind":"soil"}"#, "/kind", "must be one of"),
            (#"{"ts":"x","lon":1,"lat":1,"version":2}"#, "/version", "must be 1"),
            (#"{"ts":"x","lon":1,"lat":1,"when":"2026-02-30T00:00:00Z"}"#, "/when", "not a valid date-time"),
            (#"{"ts":"x","lon":1,"lat":1,"when":"2026-11-25 06:00"}"#, "/when", "not a valid date-time"),
            (#"{"ts":"x","lon":1,"lat":1,"day":"2023-02-29"}"#, "/day", "not a valid date"),
            (#"{"ts":"x","lon":1,"lat":1,"id":"not-a-uuid"}"#, "/id", "not a valid uuid"),
            (#"{"ts":"x","lon":1,"lat":1,"tags":[]}"#, "/tags", "at least 1 items"),
            (#"{"ts":"x","lon":1,"lat":1,"tags":["a","b","c","d"]}"#, "/tags", "at most 3 items"),
            (#"{"ts":"x","lon":1,"lat":1,"tags":["a",2]}"#, "/tags/1", "expected string"),
            (#"{"ts":"x","lon":1,"lat":1,"values":{}}"#, "/values", "at least 1 members"),
            (#"{"ts":"x","lon":1,"lat":1,"values":{"pm25":"high"}}"#, "/values/pm25", "expected number"),
            (#"{"ts":"x","lon":1,"lat":1,"count":1.5}"#, "/count", "expected integer"),
            (#"{"ts":"x","lon":1,"lat":1,"either":1.5}"#, "/either", "none of the allowed forms"),
            (#"{"ts":"x","lon":1,"lat":1,"not_null":null}"#, "/not_null", "not allowed"),
            (#"{"ts":"x","lon":1,"lat":1,"ref":-1}"#, "/ref", "must be ≥ 0"),
            (#"{"ts":"x","lon":1,"lat":1,"extra":"text"}"#, "/extra", "expected number"),
            (#"{"ts":"x","lon":1,"lat":1,"a/b":"text"}"#, "/a~1b", "expected number"),
        ])
    func rejects(text: String, path: String, message: String) throws {
        let violations = schema.validate(try JSONParser.parse(text))
        let violation = try #require(violations.first, "\(text) should not match")
        #expect(violation.path == path)
        #expect(violation.message.contains(message), "\(violation.message)")
    }

    @Test("reports several violations up to the limit")
    func several() throws {
        let violations = schema.validate(try JSONParser.parse(#"{"lon":"x","lat":"y","kind":"z"}"#), limit: 10)
        #expect(violations.count == 4)
        #expect(schema.validate(try JSONParser.parse(#"{"lon":"x","lat":"y","kind":"z"}"#), limit: 2).count == 2)
    }

    @Test("refuses a schema with keywords it cannot check, or a bad pattern or reference")
    func unsupported() throws {
        #expect(throws: JSONSchemaError.self) { try JSONSchema(try JSONParser.parse(#"{"dependentRequired":{"a":["b"]}}"#)) }
        #expect(throws: JSONSchemaError.self) { try JSONSchema(try JSONParser.parse(#"{"properties":{"a":{"pattern":"("}}}"#)) }
        #expect(throws: JSONSchemaError.self) { try JSONSchema(try JSONParser.parse(#"{"$ref":"https://example.com/s.json"}"#)) }
        #expect(throws: JSONSchemaError.self) { try JSONSchema(try JSONParser.parse(#"[1]"#)) }
    }

    @Test("a false schema allows nothing; true allows anything")
    func booleanSchemas() throws {
        let closed = try JSONSchema(try JSONParser.parse(#"{"properties":{"a":true},"additionalProperties":false}"#))
        #expect(closed.validate(try JSONParser.parse(#"{"a":[1,{"b":null}]}"#)).isEmpty)
        #expect(closed.validate(try JSONParser.parse(#"{"a":1,"b":2}"#)).first?.path == "/b")
    }
}
