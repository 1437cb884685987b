package logcheck

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// DefaultTailBytes is how much of the end of a log file File reads.
const DefaultTailBytes = 16 << 20

// File is a Source that reads the tail of a log file: its last MaxBytes,
// from the first whole line. The Analyzer then keeps the lines whose
// timestamps fall in the window.
type File struct {
	Path string
	// MaxBytes is the tail size (default DefaultTailBytes).
	MaxBytes int64
}

var _ Source = (*File)(nil)

// String returns "file <base name>".
func (f *File) String() string { return "file " + filepath.Base(f.Path) }

// Open opens the file and positions it at the tail.
func (f *File) Open(_ context.Context, _ time.Duration) (io.ReadCloser, error) {
	if f.Path == "" {
		return nil, errors.New("no log file configured")
	}
	fh, err := os.Open(f.Path)
	if err != nil {
		return nil, f.openError(err)
	}
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() {
		fh.Close()
		return nil, fmt.Errorf("log file %s is not a regular file", shorten(f.Path, 100))
	}
	tail := f.MaxBytes
	if tail <= 0 {
		tail = DefaultTailBytes
	}
	// Start one byte early: if it is a newline, the tail starts with a
	// whole line; otherwise the partial line up to the first newline goes.
	offset := max(st.Size()-tail-1, 0)
	if _, err := fh.Seek(offset, io.SeekStart); err != nil {
		fh.Close()
		return nil, fmt.Errorf("cannot read log file %s", shorten(f.Path, 100))
	}
	// Bounded even if the file grows while it is read.
	br := bufio.NewReader(io.LimitReader(fh, tail+1))
	if offset > 0 {
		_, err := br.ReadSlice('\n')
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = br.ReadSlice('\n')
		}
	}
	return readCloser{Reader: br, Closer: fh}, nil
}

func (f *File) openError(err error) error {
	p := shorten(f.Path, 100)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("log file not found: %s", p)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("log file %s: permission denied", p)
	default:
		return fmt.Errorf("cannot open log file %s", p)
	}
}

type readCloser struct {
	io.Reader
	io.Closer
}
