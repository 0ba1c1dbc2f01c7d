package workflowcheck

import (
	"go/types"
	"strings"
)

// The replacements named by the messages.
const (
	fixNow     = "use workflow.Now(ctx), the time recorded in the history"
	fixSleep   = "use workflow.Sleep(ctx, d), a durable timer"
	fixTimer   = "use workflow.Timer(ctx, d) (raced with workflow.AnyOf for a timeout)"
	fixRand    = "use workflow.Rand(ctx) or workflow.NewUUID(ctx), seeded by the instance"
	fixCrypto  = "use workflow.NewUUID(ctx) for an id; draw a secret in workflow.Inline or a task"
	fixIO      = "do I/O in a service task (workflow.Call), or a short read in workflow.Inline"
	fixLog     = "use workflow.Logger(ctx), silent while the history replays"
	fixGo      = "use workflow.Async(ctx, fn) for a concurrent branch"
	fixSelect  = "race Deferreds with workflow.AnyOf or workflow.Any"
	fixChan    = "wait on Deferreds (workflow.Async, All, Any, AnyOf), or receive from outside with a workflow.Channel"
	fixMap     = "the order of a map range changes between runs: range over sorted keys (slices.Sorted(maps.Keys(m)))"
	fixGlobal  = "keep state in the workflow's fields (rebuilt by replay), or change it in a service task"
	fixStdFile = "write through workflow.Logger(ctx), or do I/O in a service task"
)

// funcRule is what a call to a function of the standard library is
// reported with: nil for a function that workflow code may call.
func funcRule(fn *types.Func) *rule {
	pkg := fn.Pkg()
	if pkg == nil {
		return nil
	}
	path, name := pkg.Path(), fn.Name()
	if recv := fn.Signature().Recv(); recv != nil {
		return methodRule(path, recv.Type(), name)
	}
	switch path {
	case "time":
		switch name {
		case "Now", "Since", "Until":
			return &rule{"time." + name, fixNow}
		case "Sleep":
			return &rule{"time.Sleep", fixSleep}
		case "After", "AfterFunc", "Tick", "NewTimer", "NewTicker":
			return &rule{"time." + name, fixTimer}
		}
	case "math/rand", "math/rand/v2":
		switch name {
		case "New", "NewSource", "NewZipf", "NewPCG", "NewChaCha8": // seeded by the caller
			return nil
		}
		return &rule{path + "." + name, fixRand}
	case "crypto/rand":
		return &rule{"crypto/rand." + name, fixCrypto}
	case "fmt":
		if strings.HasPrefix(name, "Print") || strings.HasPrefix(name, "Scan") {
			return &rule{"fmt." + name + " (I/O on the process's stdin or stdout)", fixStdFile}
		}
	case "log":
		if strings.HasPrefix(name, "Print") || strings.HasPrefix(name, "Fatal") || strings.HasPrefix(name, "Panic") || name == "Output" {
			return &rule{"log." + name, fixLog}
		}
	case "log/slog":
		switch strings.TrimSuffix(name, "Context") {
		case "Debug", "Info", "Warn", "Error", "Log", "LogAttrs":
			return &rule{"slog." + name, fixLog}
		}
	case "os", "os/exec", "os/signal", "os/user", "net", "net/http", "io/ioutil", "syscall":
		if !pureIO[path+"."+name] {
			return &rule{path + "." + name + " (I/O)", fixIO}
		}
	}
	return nil
}

// pureIO lists the functions of I/O packages that do no I/O.
var pureIO = map[string]bool{
	"os.IsExist": true, "os.IsNotExist": true, "os.IsPermission": true, "os.IsTimeout": true,
	"os.NewSyscallError": true, "os.Expand": true, "os.IsPathSeparator": true,
	"net.ParseIP": true, "net.ParseCIDR": true, "net.ParseMAC": true, "net.IPv4": true,
	"net.IPv4Mask": true, "net.CIDRMask": true, "net.JoinHostPort": true, "net.SplitHostPort": true,
	"net/http.NewRequest": true, "net/http.NewRequestWithContext": true, "net/http.StatusText": true,
	"net/http.CanonicalHeaderKey": true, "net/http.DetectContentType": true, "net/http.ParseTime": true,
	"io/ioutil.NopCloser": true, "io/ioutil.ReadAll": true,
}

// ioTypes are the types whose methods do I/O.
var ioTypes = map[string]bool{
	"os.File": true, "os.Process": true, "os/exec.Cmd": true,
	"net/http.Client": true, "net/http.Transport": true, "net/http.Server": true,
	"net.Dialer": true, "net.Resolver": true, "net.Conn": true, "net.Listener": true, "net.PacketConn": true,
	"net.TCPConn": true, "net.UDPConn": true, "net.UnixConn": true, "net.IPConn": true,
	"net.TCPListener": true, "net.UnixListener": true,
}

func methodRule(path string, recv types.Type, name string) *rule {
	if p, ok := recv.(*types.Pointer); ok {
		recv = p.Elem()
	}
	named, ok := recv.(*types.Named)
	if !ok {
		return nil
	}
	typ := path + "." + named.Obj().Name()
	if typ == "sync.WaitGroup" && name == "Go" {
		return &rule{"goroutine started by sync.WaitGroup.Go", fixGo}
	}
	if ioTypes[typ] {
		return &rule{typ + "." + name + " (I/O)", fixIO}
	}
	return nil
}

// ioVars are the package-level variables whose use is I/O.
var ioVars = map[string]bool{"os.Stdin": true, "os.Stdout": true, "os.Stderr": true}
