package org.omatwin.core.api;

import com.google.protobuf.util.JsonFormat;
import java.util.Set;
import org.omatwin.proto.twinning.v1.ExceptionDetail;
import org.omatwin.proto.twinning.v1.SubscriptionList;
import org.omatwin.proto.twinning.v1.TwinningList;
import org.omatwin.proto.twinning.v1.TwinningNotification;

/**
 * The contract's JSON printer: protobuf's JSON mapping (json_name honoured), compact, and repeatable
 * elements always printed as arrays, even when empty (contract section 1).
 */
public final class ContractJson {
    public static final JsonFormat.Printer PRINTER = JsonFormat.printer()
            .omittingInsignificantWhitespace()
            .includingDefaultValueFields(Set.of(
                    TwinningList.getDescriptor().findFieldByNumber(TwinningList.TWINNING_FIELD_NUMBER),
                    SubscriptionList.getDescriptor()
                            .findFieldByNumber(SubscriptionList.TWINNING_SUBSCRIPTION_FIELD_NUMBER),
                    ExceptionDetail.getDescriptor().findFieldByNumber(ExceptionDetail.VARIABLES_FIELD_NUMBER),
                    TwinningNotification.getDescriptor().findFieldByNumber(TwinningNotification.LINK_FIELD_NUMBER)));

    private ContractJson() {}
}
