extension OpenAPIDocument {
    /// Signing in and out, and the administration of users, grants and tokens.
    static let accessPaths: Object = [
        "/auth/login": [
            "post": operation(
                "login", "Sign in with a user name and password; answers a bearer token (access_token, expires_at)", tag: "Access",
                content: [json: object],
                body: jsonBody(
                    [
                        "type": "object", "required": ["name", "password"],
                        "properties": ["name": OpenAPISchemas.string, "password": OpenAPISchemas.string] as Object,
                    ] as Object), errors: ["400", "413"])
        ],
        "/auth/logout": [
            "post": [
                "operationId": "logout", "summary": "Revoke the bearer token this request carries", "tags": ["Access"],
                "responses": ["204": ["description": "Revoked"] as Object, "401": ["$ref": "#/components/responses/Unauthorized"] as Object]
                    as Object,
            ] as Object
        ],
        "/auth/me": [
            "get": operation(
                "me", "Who the bearer token stands for: name, clearance, roles and grants", tag: "Access", content: [json: object], errors: [])
        ],
        "/users": [
            "get": operation("users", "Every user with clearance, groups and grants (admin)", tag: "Access", content: [json: object], errors: []),
            "post": operation(
                "createUser", "Create a user (admin); a generated password is answered once", tag: "Access", status: "201", description: "Created",
                content: [json: object],
                body: jsonBody(
                    [
                        "type": "object", "required": ["name"],
                        "properties": [
                            "name": OpenAPISchemas.string, "password": OpenAPISchemas.string,
                            "clearance": ["type": "string", "enum": ["public", "government", "classified"]] as Object,
                            "kind": ["type": "string", "enum": ["person", "machine"]] as Object, "groups": OpenAPISchemas.strings,
                        ] as Object,
                    ] as Object), errors: ["400", "413"]),
        ],
        "/users/{name}/grants": [
            "post": operation(
                "grant", "Grant a role on a scope (*, a collection id or a prefix group like traffic_*) to a user or group:<name> (admin)",
                tag: "Access", parameters: [principal], status: "201", description: "Granted", content: [json: object],
                body: jsonBody(
                    [
                        "type": "object", "required": ["role"],
                        "properties": [
                            "role": ["type": "string", "enum": ["viewer", "analyst", "editor", "operator", "auditor", "admin"]] as Object,
                            "scope": OpenAPISchemas.string,
                        ] as Object,
                    ] as Object), errors: ["400", "413"]),
            "delete": [
                "operationId": "revokeGrant", "summary": "Withdraw a grant (admin)", "tags": ["Access"],
                "parameters": [principal, query("role", "The role.", required: true), query("scope", "The scope (default *).")],
                "responses": [
                    "204": ["description": "Withdrawn"] as Object, "404": ["$ref": "#/components/responses/NotFound"] as Object,
                    "400": ["$ref": "#/components/responses/BadRequest"] as Object,
                    "401": ["$ref": "#/components/responses/Unauthorized"] as Object, "403": ["$ref": "#/components/responses/Forbidden"] as Object,
                ] as Object,
            ] as Object,
        ],
        "/users/{name}/tokens": [
            "post": operation(
                "issueToken", "Issue an API token for a user (admin); lifetime in seconds, none: until revoked", tag: "Access",
                parameters: [principal],
                status: "201", description: "Issued", content: [json: object],
                body: jsonBody(
                    ["type": "object", "properties": ["label": OpenAPISchemas.string, "lifetime": ["type": "integer"] as Object] as Object] as Object),
                errors: ["400", "413"]),
            "delete": operation(
                "revokeTokens", "Revoke every token of a user (admin)", tag: "Access", parameters: [principal], content: [json: object], errors: []),
        ],
    ]

    static let principal = OpenAPIParameters.path("name", "A user name, or group:<name> for grants.")
}
