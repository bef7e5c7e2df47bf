/* Runs the PDF/A writer in a forked child and carries its result back
 * through a pipe: the code, then the message. */
#include "records/pdfa_child.h"

#include "base/buf.h"
#include "base/file.h"
#include "store/blob.h"
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct job {
	const struct render_doc *doc;
	const struct pdfa_meta *meta;
	const char *path;
	const char *family; /* set: a font check */
};

static void child(int fd, const struct job *j)
{
	struct err e = {0};
	int rc = j->family ? records_pdfa_check_font(j->family, &e)
	                   : records_pdfa_write(j->doc, j->meta, j->path, &e);
	size_t n = strlen(e.msg);

	if (write(fd, &rc, sizeof(rc)) == (ssize_t)sizeof(rc) && n)
		(void)!write(fd, e.msg, n);
	close(fd);
	/* _exit: the parent's atexit handlers and buffers are not the child's. */
	_exit(0);
}

static int run(const struct job *j, struct err *err)
{
	char msg[sizeof(err->msg)];
	int fds[2], rc = KV_EIO, status = 0;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) != 0)
		return err_set(err, KV_EIO, "PDF/A: pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return err_set(err, KV_EIO, "PDF/A: fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], j);
	}
	close(fds[1]);
	n = read(fds[0], &rc, sizeof(rc));
	if (n != (ssize_t)sizeof(rc))
		rc = KV_EIO;
	while (got + 1 < sizeof(msg) && (n = read(fds[0], msg + got, sizeof(msg) - 1 - got)) > 0)
		got += (size_t)n;
	msg[got] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(err, KV_EIO, "PDF/A: the writer process died (status %d)", status);
	if (rc)
		return err_set(err, rc, "%s", got ? msg : "PDF/A: the writer failed");
	return KV_OK;
}

int pdfa_child_write(const struct render_doc *doc, const struct pdfa_meta *meta,
                     const char *out_path, struct err *err)
{
	struct job j = {.doc = doc, .meta = meta, .path = out_path};

	return run(&j, err);
}

int pdfa_child_blob(struct store *s, const struct render_doc *doc, const struct pdfa_meta *meta,
                    const char *name, char sha[65], struct err *err)
{
	char path[4096];
	struct buf pdf;
	int rc;

	if (strchr(name, '/'))
		return err_set(err, KV_EINVAL, "PDF/A: '%s' is not a plain file name", name);
	snprintf(path, sizeof(path), "%s/%s-%ld.pdf", store_dir(s), name, (long)getpid());
	unlink(path);
	buf_init(&pdf, (size_t)256 << 20);
	rc = pdfa_child_write(doc, meta, path, err);
	if (!rc)
		rc = file_read_all(path, &pdf, err);
	if (!rc)
		rc = blob_put(s, pdf.ptr, pdf.len, sha, err);
	unlink(path);
	buf_done(&pdf);
	return rc;
}

int pdfa_child_json_blob(struct store *s, const char *json_text, pdfa_json_doc_fn build,
                         const char *subject, int64_t created, const char *name, char sha[65],
                         struct err *err)
{
	struct pdfa_meta m = {.subject = subject, .created = created};
	struct render_doc *doc = NULL;
	json_error_t je;
	json_t *j = json_loads(json_text, 0, &je);
	int rc;

	if (!j)
		return err_set(err, KV_EINTERNAL, "%s: %s", subject, je.text);
	rc = build(j, &doc);
	if (rc) {
		rc = err_set(err, rc, "%s: cannot build the document", subject);
		goto out;
	}
	m.title = render_doc_title(doc);
	rc = pdfa_child_blob(s, doc, &m, name, sha, err);
out:
	render_doc_free(doc);
	json_decref(j);
	return rc;
}

int pdfa_child_check_font(const char *family, struct err *err)
{
	struct job j = {.family = family};

	return run(&j, err);
}
