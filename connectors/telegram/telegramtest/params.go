package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// readParams reads a call's parameters as the Bot API accepts them: query
// string, multipart/form-data (what go-telegram/bot sends), JSON or
// url-encoded form. Objects and arrays come back as JSON text.
func readParams(r *http.Request) (map[string]string, string, error) {
	params := map[string]string{}
	for k, v := range r.URL.Query() {
		params[k] = v[0]
	}
	if r.Body == nil || r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
		return params, "", nil
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "multipart/form-data":
		err := r.ParseMultipartForm(32 << 20)
		if err != nil && (errors.Is(err, io.EOF) || strings.HasSuffix(err.Error(), "EOF")) {
			return params, mediaType, nil // no parameters: an empty body
		}
		if err != nil {
			return nil, mediaType, fmt.Errorf("multipart: %w", err)
		}
		for k, v := range r.MultipartForm.Value {
			params[k] = v[0]
		}
	case "application/json":
		var body map[string]json.RawMessage
		dec := json.NewDecoder(r.Body)
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			return nil, mediaType, fmt.Errorf("json: %w", err)
		}
		for k, raw := range body {
			var str string
			if err := json.Unmarshal(raw, &str); err == nil {
				params[k] = str
				continue
			}
			params[k] = string(bytes.TrimSpace(raw))
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, mediaType, fmt.Errorf("form: %w", err)
		}
		for k, v := range r.PostForm {
			params[k] = v[0]
		}
	}
	return params, mediaType, nil
}
