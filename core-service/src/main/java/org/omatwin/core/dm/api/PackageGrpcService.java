package org.omatwin.core.dm.api;

import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.omatwin.core.dm.alert.ResultCodes;
import org.omatwin.core.dm.pkg.PackageKind;
import org.omatwin.core.dm.pkg.PackageMetadata;
import org.omatwin.core.dm.pkg.PackageTargets;
import org.omatwin.core.dm.pkg.PackageUseCases;
import org.omatwin.core.dm.pkg.SignedPackage;
import org.omatwin.core.infra.edge.ResponseMeta;
import org.omatwin.core.infra.edge.Unary;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.proto.dmwsi.v1.CreatePackageRequest;
import org.omatwin.proto.dmwsi.v1.CreatePackageResponse;
import org.omatwin.proto.dmwsi.v1.DeletePackageRequest;
import org.omatwin.proto.dmwsi.v1.DeletePackageResponse;
import org.omatwin.proto.dmwsi.v1.GetPackageRequest;
import org.omatwin.proto.dmwsi.v1.GetPackageResponse;
import org.omatwin.proto.dmwsi.v1.InstallationList;
import org.omatwin.proto.dmwsi.v1.ListInstallationsRequest;
import org.omatwin.proto.dmwsi.v1.ListInstallationsResponse;
import org.omatwin.proto.dmwsi.v1.ListPackagesRequest;
import org.omatwin.proto.dmwsi.v1.ListPackagesResponse;
import org.omatwin.proto.dmwsi.v1.PackageList;
import org.omatwin.proto.dmwsi.v1.PackageServiceGrpc;

/**
 * {@code oma.dmwsi.v1.PackageService} (section 8): translates between protobuf and the package use
 * cases; the owner is the authenticated OAuth client. The content upload is plain HTTP
 * ({@code dm.http.PackageUpload}) and answers with {@link #toProto} too.
 */
public final class PackageGrpcService extends PackageServiceGrpc.PackageServiceImplBase {
    private final PackageUseCases packages;
    private final DmwsiViews views;

    public PackageGrpcService(PackageUseCases packages, Supplier<String> publicUrl) {
        this.packages = packages;
        this.views = new DmwsiViews(publicUrl);
    }

    @Override
    public void createPackage(CreatePackageRequest req, StreamObserver<CreatePackageResponse> out) {
        Unary.respond(out, () -> {
            if (!req.hasPackage()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "the package element is missing", "package");
            }
            org.omatwin.proto.dmwsi.v1.Package p = req.getPackage();
            if (p.hasPackageId() || p.hasState() || p.hasRejectReason() || p.hasCreatedTime() || p.hasResourceUrl()
                    || p.hasContentUrl()) {
                throw ApiException.of(ApiError.INVALID_INPUT, "packageId, state, rejectReason, createdTime, "
                        + "resourceURL and contentURL are set by the server", "package");
            }
            if (p.getKind().isEmpty()) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "package.kind is missing", "package.kind");
            }
            PackageTargets targets = p.hasTargets() ? new PackageTargets(
                    p.getTargets().hasMan() ? p.getTargets().getMan() : null,
                    p.getTargets().hasMod() ? p.getTargets().getMod() : null, p.getTargets().getFromVersionsList())
                    : null;
            SignedPackage created = packages.register(DmwsiCallers.clientId(), new PackageMetadata(
                    p.getName().isEmpty() ? null : p.getName(), p.getVersion().isEmpty() ? null : p.getVersion(),
                    PackageKind.fromWire(p.getKind()), targets, p.getSize(),
                    p.getSha256().isEmpty() ? null : p.getSha256()), p.getSignature());
            org.omatwin.proto.dmwsi.v1.Package shown = toProto(created);
            ResponseMeta.created(shown.getResourceUrl());
            return CreatePackageResponse.newBuilder().setPackage(shown).build();
        });
    }

    @Override
    public void getPackage(GetPackageRequest req, StreamObserver<GetPackageResponse> out) {
        Unary.respond(out, () -> GetPackageResponse.newBuilder()
                .setPackage(toProto(packages.get(DmwsiCallers.clientId(), req.getPackageId()))).build());
    }

    @Override
    public void listPackages(ListPackagesRequest req, StreamObserver<ListPackagesResponse> out) {
        Unary.respond(out, () -> {
            int limit = DeviceManagementGrpcService.limit(req.hasLimit() ? req.getLimit() : null);
            String after = afterId(req.hasPageToken() ? req.getPageToken() : null);
            List<SignedPackage> page = packages.list(DmwsiCallers.clientId(), after, limit + 1);
            PackageList.Builder list = PackageList.newBuilder().setResourceUrl(views.base() + "/packages");
            page.stream().limit(limit).forEach(p -> list.addPackage(toProto(p)));
            if (page.size() > limit) {
                list.setNextPageToken(pageToken(page.get(limit - 1).packageId()));
            }
            return ListPackagesResponse.newBuilder().setPackageList(list).build();
        });
    }

    @Override
    public void deletePackage(DeletePackageRequest req, StreamObserver<DeletePackageResponse> out) {
        Unary.respond(out, () -> {
            packages.delete(DmwsiCallers.clientId(), req.getPackageId());
            return DeletePackageResponse.getDefaultInstance();
        });
    }

    @Override
    public void listInstallations(ListInstallationsRequest req, StreamObserver<ListInstallationsResponse> out) {
        Unary.respond(out, () -> {
            InstallationList.Builder list = InstallationList.newBuilder()
                    .setResourceUrl(views.base() + "/packages/" + req.getPackageId() + "/installations");
            ClientAccess who = ClientAccess.current();
            for (var i : packages.installations(DmwsiCallers.clientId(), req.getPackageId())) {
                var b = org.omatwin.proto.dmwsi.v1.Installation.newBuilder()
                        .setDeviceRef(who.show(i.devId()))
                        .setOperationId(i.operationId())
                        .setType(i.type())
                        .setState(i.state())
                        .setAcceptedTime(DmwsiViews.timestamp(i.acceptedTime()))
                        .setOperationUrl(views.base() + "/operations/" + i.operationId());
                if (i.resultCode() != null) {
                    b.setResultCode(i.resultCode());
                    b.setResultText(ResultCodes.text(i.resultCode()));
                } else {
                    DmwsiViews.set(i.resultText(), b::setResultText);
                }
                if (i.endTime() != null) {
                    b.setEndTime(DmwsiViews.timestamp(i.endTime()));
                }
                list.addInstallation(b);
            }
            return ListInstallationsResponse.newBuilder().setInstallationList(list).build();
        });
    }

    /** The package as the contract shows it (answers of this service and of the content upload). */
    public static org.omatwin.proto.dmwsi.v1.Package toProto(SignedPackage s, String dmwsiBase) {
        PackageMetadata m = s.metadata();
        var targets = org.omatwin.proto.dmwsi.v1.PackageTargets.newBuilder()
                .addAllFromVersions(m.targets().fromVersions());
        DmwsiViews.set(m.targets().man(), targets::setMan);
        DmwsiViews.set(m.targets().mod(), targets::setMod);
        String url = dmwsiBase + "/packages/" + s.packageId();
        var b = org.omatwin.proto.dmwsi.v1.Package.newBuilder()
                .setPackageId(s.packageId())
                .setName(m.name())
                .setVersion(m.version())
                .setKind(m.kind().wire())
                .setTargets(targets)
                .setSize(m.size())
                .setSha256(m.sha256())
                .setSignature(s.signature())
                .setState(s.state().wire())
                .setCreatedTime(DmwsiViews.timestamp(s.createdTime()))
                .setResourceUrl(url)
                .setContentUrl(url + "/content");
        DmwsiViews.set(s.rejectReason(), b::setRejectReason);
        return b.build();
    }

    private org.omatwin.proto.dmwsi.v1.Package toProto(SignedPackage s) {
        return toProto(s, views.base());
    }

    private static String pageToken(String lastId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("pk:" + lastId).getBytes(
                StandardCharsets.UTF_8));
    }

    private static String afterId(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith("pk:") && text.length() > 3) {
                return text.substring(3);
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw ApiException.of(ApiError.INVALID_INPUT, "pageToken is not one this server made", "pageToken");
    }
}
