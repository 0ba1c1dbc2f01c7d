package infinitic

import "encoding/json"

// Codec encodes the user payloads (arguments, results, error fields) that
// cross the wire. The default is JSON; plug in another (protobuf, msgpack,
// encryption) through the client and worker configs. Client and workers
// must use the same codec.
type Codec interface {
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

// JSON is the default codec.
var JSON Codec = jsonCodec{}

type jsonCodec struct{}

func (jsonCodec) Marshal(v any) ([]byte, error)      { return json.Marshal(v) }
func (jsonCodec) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
