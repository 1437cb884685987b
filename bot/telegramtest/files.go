package telegramtest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"mime"
	"net/url"
	"path"
	"strings"
)

// This file implements sendDocument and sendPhoto.

const maxPhotoSize = 10 << 20

// storedFile is a file the fake has issued a file_id for.
type storedFile struct {
	id, uniqueID  string
	kind          string // kindDocument or kindPhoto
	upload        *UploadedFile
	name, mime    string
	width, height int
	size          int64
}

func sendDocument(s *Server, _ context.Context, p params) (any, *apiError) {
	return s.sendFileLocked(p, kindDocument)
}

func sendPhoto(s *Server, _ context.Context, p params) (any, *apiError) {
	return s.sendFileLocked(p, kindPhoto)
}

// sendFileLocked sends a document or photo given as an upload, a file_id
// the fake issued earlier, or an HTTP URL (not fetched).
func (s *Server) sendFileLocked(p params, kind string) (any, *apiError) {
	cs, threadID, aerr := s.targetLocked(p)
	if aerr != nil {
		return nil, aerr
	}
	caption, aerr := parseFormatted(p.str("caption"), p.str("parse_mode"), p["caption_entities"])
	if aerr != nil {
		return nil, aerr
	}
	if aerr := checkCaption(caption); aerr != nil {
		return nil, aerr
	}
	replyTo, aerr := replyLocked(cs, p)
	if aerr != nil {
		return nil, aerr
	}
	f, aerr := s.fileLocked(p[kind], kind)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.admitLocked(cs.chat); aerr != nil {
		return nil, aerr
	}
	if f.id == "" {
		s.state.nextFile++
		prefix := map[string]string{kindDocument: "BQACAgIAAxkDAAI", kindPhoto: "AgACAgIAAxkDAAI"}[kind]
		f.id = fmt.Sprintf("%s%06dFakeFileID", prefix, s.state.nextFile)
		f.uniqueID = fmt.Sprintf("AgAD%06d", s.state.nextFile)
		s.state.files[f.id] = f
	}
	m := &storedMessage{from: s.bot, kind: kind, text: caption, threadID: threadID, replyTo: replyTo, file: f.upload, fileID: f.id}
	m.markup, m.keyboard = inlineMarkup(p["reply_markup"])
	m.media = map[string]any{kind: f.json()}
	s.addMessageLocked(cs, m)
	return s.messageJSONLocked(cs, m, true), nil
}

// fileLocked resolves the document or photo parameter. A new file has an
// empty id; the caller issues one once the message is accepted.
func (s *Server) fileLocked(v any, kind string) (*storedFile, *apiError) {
	switch x := v.(type) {
	case UploadedFile:
		if x.Size == 0 {
			return nil, badRequest("file must be non-empty")
		}
		f := &storedFile{kind: kind, upload: &x, name: x.Name, size: x.Size, mime: x.ContentType}
		if kind == kindPhoto {
			return f, checkPhoto(f)
		}
		if f.mime == "" || f.mime == "application/octet-stream" {
			if t := mime.TypeByExtension(path.Ext(x.Name)); t != "" {
				f.mime = t
			}
		}
		return f, nil
	case string:
		if known, ok := s.state.files[x]; ok {
			if known.kind != kind {
				return nil, badRequest("can't use file of type %s as %s", titleCase(known.kind), titleCase(kind))
			}
			return known, nil
		}
		if u, err := url.Parse(x); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return &storedFile{kind: kind, name: path.Base(u.Path), width: 800, height: 600}, nil
		}
	}
	return nil, badRequest("wrong file identifier/HTTP URL specified")
}

// checkPhoto decodes the image header like Telegram's photo processing would.
func checkPhoto(f *storedFile) *apiError {
	if f.size > maxPhotoSize {
		return badRequest("PHOTO_SAVE_FILE_INVALID")
	}
	var decode func(*bytes.Reader) (image.Config, error)
	data := f.upload.Data
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		decode = func(r *bytes.Reader) (image.Config, error) { return png.DecodeConfig(r) }
	case bytes.HasPrefix(data, []byte("\xff\xd8")):
		decode = func(r *bytes.Reader) (image.Config, error) { return jpeg.DecodeConfig(r) }
	case bytes.HasPrefix(data, []byte("GIF8")):
		decode = func(r *bytes.Reader) (image.Config, error) { return gif.DecodeConfig(r) }
	default:
		return badRequest("IMAGE_PROCESS_FAILED")
	}
	cfg, err := decode(bytes.NewReader(data))
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		return badRequest("IMAGE_PROCESS_FAILED")
	}
	w, h := cfg.Width, cfg.Height
	if w+h > 10000 || w > 20*h || h > 20*w {
		return badRequest("PHOTO_INVALID_DIMENSIONS")
	}
	f.width, f.height = w, h
	return nil
}

// json renders the file as a Document or an array of PhotoSize.
func (f *storedFile) json() any {
	if f.kind == kindPhoto {
		return []any{map[string]any{"file_id": f.id, "file_unique_id": f.uniqueID, "width": f.width, "height": f.height, "file_size": f.size}}
	}
	j := map[string]any{"file_id": f.id, "file_unique_id": f.uniqueID}
	if f.name != "" {
		j["file_name"] = f.name
	}
	if f.mime != "" {
		j["mime_type"] = f.mime
	}
	if f.size > 0 {
		j["file_size"] = f.size
	}
	return j
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
