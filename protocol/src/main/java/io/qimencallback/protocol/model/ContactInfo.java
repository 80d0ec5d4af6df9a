package io.qimencallback.protocol.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Map;

/**
 * A {@code senderInfo} or {@code receiverInfo} element (发件人信息 / 收件人信息): the two have the same fields in the Qimen
 * SDK ({@code DeliveryorderCreateRequest.SenderInfo} and {@code .ReceiverInfo},
 * <a href="https://github.com/houzhenggang/leasing-tmall/blob/85b9837cbf83567969f7542e52441d21f715f967/src/main/java/com/qimen/api/request/DeliveryorderCreateRequest.java">[S5]</a>,
 * protocol reference §5.2), and one record serves both. The fields typed here are those of the fixtures
 * ({@code deliveryorder.create}, {@code entryorder.create}, {@code returnorder.create}, {@code stockout.create}) and
 * the SDK's commented ones; the SDK's uncommented ones ({@code nick}, {@code fax}, {@code birthDate}, …) are in
 * {@link #other()}. Personal data: mask before logging.
 *
 * @param company       公司名称, company name
 * @param name          姓名, the person's name
 * @param zipCode       邮编, postal code
 * @param tel           固定电话, landline
 * @param mobile        移动电话, mobile phone
 * @param email         电子邮箱, e-mail
 * @param countryCode   国家二字码, ISO two-letter country code
 * @param province      省份, province
 * @param city          城市, city
 * @param area          区域, district
 * @param town          村镇, town
 * @param detailAddress 详细地址, street address
 * @param idType        证件类型 (1 身份证, 2 军官证, 3 护照, 4 其他), receiver's identity document type
 * @param idNumber      证件号码, identity document number
 * @param extendProps   扩展属性: key/value elements ("所有非叶子节点下都可以增加remark和extendProps", [P3]); never null
 * @param other         every other field as sent; never null
 */
public record ContactInfo(
        String company,
        String name,
        String zipCode,
        String tel,
        String mobile,
        String email,
        String countryCode,
        String province,
        String city,
        String area,
        String town,
        String detailAddress,
        String idType,
        String idNumber,
        @JsonDeserialize(using = ExtendProps.class) Map<String, JsonNode> extendProps,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    /**
     * Copies the maps; nulls become empty maps.
     *
     * @param company       公司名称, company name
     * @param name          姓名, the person's name
     * @param zipCode       邮编, postal code
     * @param tel           固定电话, landline
     * @param mobile        移动电话, mobile phone
     * @param email         电子邮箱, e-mail
     * @param countryCode   国家二字码, ISO two-letter country code
     * @param province      省份, province
     * @param city          城市, city
     * @param area          区域, district
     * @param town          村镇, town
     * @param detailAddress 详细地址, street address
     * @param idType        证件类型 (1 身份证, 2 军官证, 3 护照, 4 其他), receiver's identity document type
     * @param idNumber      证件号码, identity document number
     * @param extendProps   扩展属性: key/value elements ("所有非叶子节点下都可以增加remark和extendProps", [P3]); never null
     * @param other         every other field as sent; never null
     */
    public ContactInfo {
        extendProps = Fields.map(extendProps);
        other = Fields.map(other);
    }

    /**
     * The fields an answer or a test usually needs.
     *
     * @param name          the person's name
     * @param mobile        mobile phone
     * @param province      province
     * @param city          city
     * @param area          district
     * @param detailAddress street address
     */
    public ContactInfo(String name, String mobile, String province, String city, String area, String detailAddress) {
        this(null, name, null, null, mobile, null, null, province, city, area, null, detailAddress, null, null, null, null);
    }

    /**
     * The names of the fields that have a value, never a value: everything here is personal data.
     *
     * @return e.g. {@code ContactInfo[values not shown: name, mobile, province, detailAddress]}
     */
    @Override
    public String toString() {
        return "ContactInfo[values not shown: " + Fields.presentNames("company", company, "name", name, "zipCode",
                zipCode, "tel", tel, "mobile", mobile, "email", email, "countryCode", countryCode, "province", province,
                "city", city, "area", area, "town", town, "detailAddress", detailAddress, "idType", idType, "idNumber",
                idNumber, "extendProps", extendProps, "other", other) + "]";
    }
}
