package io.lakemirror.testserver.http;

import io.lakemirror.domain.BranchId;
import io.lakemirror.graveler.Entry;
import io.lakemirror.lakefs.policy.Actions;
import io.lakemirror.lakefs.policy.Arns;
import io.lakemirror.lakefs.policy.Permission;
import io.lakemirror.testserver.model.LakeFsError;
import io.lakemirror.testserver.service.ObjectService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Objects: upload (raw or multipart {@code content}), stat, get/head, list, delete. */
final class ObjectRoutes {
    private static final String META_PREFIX = "x-lakefs-meta-";
    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");

    private final ApiContext api;

    ObjectRoutes(ApiContext api) {
        this.api = api;
    }

    void mount(Router r) {
        r.post("/repositories/:repository/branches/:branch/objects").handler(this::upload);
        r.delete("/repositories/:repository/branches/:branch/objects").handler(this::delete);
        r.get("/repositories/:repository/refs/:ref/objects/stat").handler(this::stat);
        r.get("/repositories/:repository/refs/:ref/objects/ls").handler(this::list);
        r.get("/repositories/:repository/refs/:ref/objects").handler(this::get);
        r.head("/repositories/:repository/refs/:ref/objects").handler(this::get);
    }

    private void upload(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String name = Requests.path(ctx, "branch");
        String path = Requests.requiredQuery(ctx, "path");
        boolean force = Requests.bool(ctx, "force", false);
        boolean ifNoneMatchAny = "*".equals(ctx.request().getHeader("If-None-Match"));
        Map<String, String> metadata = new LinkedHashMap<>();
        ctx.request().headers().forEach((header, value) -> {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith(META_PREFIX) && lower.length() > META_PREFIX.length()) {
                metadata.put(lower.substring(META_PREFIX.length()), value);
            }
        });
        String contentType = contentType(ctx.request().getHeader("Content-Type"));
        Optional<FileUpload> part = ctx.fileUploads().stream().filter(u -> u.name().equals("content")).findFirst();
        if (contentType.startsWith("multipart/form-data") && part.isEmpty()) {
            throw Requests.bodyError("multipart part \"content\" is missing");
        }
        api.authorize(ctx, Permission.of(Actions.WRITE_OBJECT, Arns.object(repository, path)));
        BranchId branch = BranchId.of(name);
        api.blocking(ctx, () -> {
            byte[] content = part.isPresent() ? read(part.get()) : bytes(ctx.body().buffer());
            String type = part.map(p -> contentType(p.contentType())).orElse(contentType);
            return api.objects().upload(repository, branch, path,
                    new ObjectService.Upload(content, type, metadata, force, ifNoneMatchAny));
        }, (c, object) -> Responses.json(c, 201, Shapes.object(object)));
    }

    private static String contentType(String header) {
        return header == null || header.isBlank() ? "application/octet-stream" : header;
    }

    private static byte[] read(FileUpload upload) {
        try {
            return Files.readAllBytes(Path.of(upload.uploadedFileName()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the uploaded part " + upload.uploadedFileName(), e);
        }
    }

    private static byte[] bytes(Buffer body) {
        return body == null ? new byte[0] : body.getBytes();
    }

    private void delete(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String name = Requests.path(ctx, "branch");
        String path = Requests.requiredQuery(ctx, "path");
        boolean force = Requests.bool(ctx, "force", false);
        api.authorize(ctx, Permission.of(Actions.DELETE_OBJECT, Arns.object(repository, path)));
        BranchId branch = BranchId.of(name);
        api.blocking(ctx, () -> {
            api.objects().delete(repository, branch, path, force);
            return null;
        }, (c, none) -> Responses.noContent(c));
    }

    private void stat(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String ref = Requests.path(ctx, "ref");
        String path = Requests.requiredQuery(ctx, "path");
        api.authorize(ctx, Permission.of(Actions.READ_OBJECT, Arns.object(repository, path)));
        api.blocking(ctx, () -> api.objects().stat(repository, ref, path),
                (c, object) -> Responses.json(c, 200, Shapes.object(object)));
    }

    private void list(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String ref = Requests.path(ctx, "ref");
        String prefix = Requests.query(ctx, "prefix", "");
        String after = Requests.query(ctx, "after", "");
        String delimiter = Requests.query(ctx, "delimiter", "");
        int amount = Requests.amount(ctx);
        api.authorize(ctx, Permission.of(Actions.LIST_OBJECTS, Arns.repository(repository)));
        api.blocking(ctx, () -> api.objects().list(repository, ref, prefix, after, amount, delimiter),
                (c, page) -> Responses.json(c, 200, Shapes.list(page, Shapes::listed)));
    }

    private void get(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String ref = Requests.path(ctx, "ref");
        String path = Requests.requiredQuery(ctx, "path");
        Optional<String> range = Optional.ofNullable(ctx.request().getHeader("Range"));
        api.authorize(ctx, Permission.of(Actions.READ_OBJECT, Arns.object(repository, path)));
        api.blocking(ctx, () -> api.objects().get(repository, ref, path), (c, content) -> answer(c, content, range));
    }

    private static void answer(RoutingContext ctx, ObjectService.Content content, Optional<String> range) {
        Entry entry = content.object().entry();
        byte[] bytes = content.bytes();
        ctx.response()
                .putHeader("Content-Type", entry.contentType().isEmpty() ? "application/octet-stream" : entry.contentType())
                .putHeader("ETag", "\"" + entry.eTag() + "\"")
                .putHeader("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        entry.lastModified().atOffset(ZoneOffset.UTC)))
                .putHeader("Accept-Ranges", "bytes");
        int status = 200;
        if (range.isPresent()) {
            Matcher m = RANGE.matcher(range.get().strip());
            if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                throw new LakeFsError(LakeFsError.Kind.BAD_REQUEST, "invalid range " + range.get());
            }
            long size = bytes.length;
            long first;
            long last;
            if (m.group(1).isEmpty()) {
                first = Math.max(0, size - Long.parseLong(m.group(2)));
                last = size - 1;
            } else {
                first = Long.parseLong(m.group(1));
                last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            }
            if (first >= size || first > last) {
                ctx.response().putHeader("Content-Range", "bytes */" + size);
                Responses.error(ctx, 416, "Requested Range Not Satisfiable");
                return;
            }
            ctx.response().putHeader("Content-Range", "bytes " + first + "-" + last + "/" + size);
            bytes = Arrays.copyOfRange(bytes, (int) first, (int) last + 1);
            status = 206;
        }
        if (ctx.request().method() == HttpMethod.HEAD) {
            ctx.response().setStatusCode(status).putHeader("Content-Length", String.valueOf(bytes.length)).end();
        } else {
            Responses.bytes(ctx, status, Buffer.buffer(bytes));
        }
    }
}
