package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxBodySize is a little above Telegram's 50 MB upload limit.
const maxBodySize = 52 << 20

// Encodings a request can arrive in; see Call.Encoding.
const (
	EncodingQuery     = "query"
	EncodingForm      = "form"
	EncodingMultipart = "multipart"
	EncodingJSON      = "json"
)

// UploadedFile is a file a client uploaded with multipart/form-data.
type UploadedFile struct {
	// Field is the form field the file arrived in ("document", or the name
	// an attach:// reference points to).
	Field string
	// Name is the file name the client gave.
	Name string
	// ContentType is the part's Content-Type header.
	ContentType string
	// Size is len(Data).
	Size int64
	// Data is the file's content.
	Data []byte
}

// request is an API call decoded from any of the four encodings into the
// form Telegram's server works with: every parameter as text (objects and
// arrays as JSON text), plus uploaded files.
type request struct {
	encoding string
	fields   map[string]string
	files    map[string]*UploadedFile
}

// decodeRequest reads query parameters and the body. Like Telegram, it
// accepts a query string, application/x-www-form-urlencoded,
// multipart/form-data and application/json, and merges the query string
// with the body (body wins).
func decodeRequest(r *http.Request) (*request, *apiError) {
	req := &request{encoding: EncodingQuery, fields: map[string]string{}, files: map[string]*UploadedFile{}}
	for k, v := range r.URL.Query() {
		req.fields[k] = v[0]
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBodySize))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &apiError{Status: http.StatusRequestEntityTooLarge, Description: "Request Entity Too Large"}
		}
		return nil, badRequest("can't read request body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return req, nil
	}
	mediaType, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "application/json":
		req.encoding = EncodingJSON
		return req, decodeJSONBody(req, body)
	case "application/x-www-form-urlencoded":
		req.encoding = EncodingForm
		values, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, badRequest("can't parse form body: %v", err)
		}
		for k, v := range values {
			req.fields[k] = v[0]
		}
	case "multipart/form-data":
		req.encoding = EncodingMultipart
		return req, decodeMultipart(req, body, ctParams["boundary"])
	}
	return req, nil
}

// decodeJSONBody flattens a JSON object to text parameters the way
// Telegram's server does: strings as they are, numbers and booleans as
// their literals, objects and arrays re-encoded as JSON, null as absent.
func decodeJSONBody(req *request, body []byte) *apiError {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || dec.More() {
		return badRequest("can't parse JSON body: it must be one JSON object")
	}
	for k, v := range obj {
		switch x := v.(type) {
		case nil:
		case string:
			req.fields[k] = x
		case json.Number:
			req.fields[k] = x.String()
		case bool:
			req.fields[k] = strconv.FormatBool(x)
		default:
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(x); err != nil {
				return badRequest("can't re-encode parameter %q: %v", k, err)
			}
			req.fields[k] = strings.TrimSuffix(b.String(), "\n")
		}
	}
	return nil
}

func decodeMultipart(req *request, body []byte, boundary string) *apiError {
	if boundary == "" {
		return badRequest("multipart/form-data without a boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return badRequest("can't parse multipart body: %v", err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return badRequest("can't read multipart part %q: %v", part.FormName(), err)
		}
		name := part.FormName()
		if name == "" {
			continue
		}
		_, disp, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		if fileName, isFile := disp["filename"]; isFile {
			req.files[name] = &UploadedFile{
				Field:       name,
				Name:        fileName,
				ContentType: part.Header.Get("Content-Type"),
				Size:        int64(len(data)),
				Data:        data,
			}
			continue
		}
		req.fields[name] = string(data)
	}
}
