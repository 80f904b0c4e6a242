"""Fetches a Mapbox vector tile and prints it decoded, as JSON: the response headers that matter and,
per layer, its extent and features (id, geometry type, coordinates in tile units with y down,
properties). Used by the Swift tile tests: an independent decoder (PyPI mapbox-vector-tile).
Arguments: the tile URL (or a file holding a tile), and optionally a bearer token."""
import json
import os
import sys
import urllib.request

import mapbox_vector_tile

# An optional second argument: a bearer token to send.
headers = {"Authorization": f"Bearer {sys.argv[2]}"} if len(sys.argv) > 2 else {}
if os.path.isfile(sys.argv[1]):
    with open(sys.argv[1], "rb") as file:
        data = file.read()
    headers = {}
else:
    with urllib.request.urlopen(urllib.request.Request(sys.argv[1], headers=headers)) as response:
        data = response.read()
        headers = {name: response.headers.get(name) for name in ("Content-Type", "Shikong-Tile-Cache", "Shikong-Tile-Thinned")}
tile = mapbox_vector_tile.decode(data, default_options={"y_coord_down": True}) if data else {}
layers = {
    name: {
        "extent": layer["extent"],
        "features": [
            {"id": f["properties"].get("id"), "type": f["geometry"]["type"], "coordinates": f["geometry"]["coordinates"], "properties": f["properties"]}
            for f in layer["features"]
        ],
    }
    for name, layer in tile.items()
}
print(json.dumps({"headers": headers, "bytes": len(data), "layers": layers}, ensure_ascii=False))
