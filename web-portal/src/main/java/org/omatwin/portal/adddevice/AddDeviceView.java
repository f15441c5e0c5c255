package org.omatwin.portal.adddevice;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.data.validator.RegexpValidator;
import com.vaadin.flow.data.validator.StringLengthValidator;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import org.omatwin.portal.core.CoreError;
import org.omatwin.portal.core.CurrentSubscriber;
import org.omatwin.portal.core.Twinnings;
import org.omatwin.portal.layout.PortalLayout;
import org.omatwin.portal.layout.StatusMessage;

/** Add a device: the code shown on the watch or car, for one of the subscriber's lines (HLF-PD-001). */
@Route(value = "add", layout = PortalLayout.class)
@PageTitle("Add a device")
@PermitAll
public class AddDeviceView extends VerticalLayout implements com.vaadin.flow.router.BeforeEnterObserver {
    /** The form's bean. */
    public static final class Form {
        private String line;
        private String code;
        private String name;

        public String getLine() {
            return line;
        }

        public void setLine(String line) {
            this.line = line;
        }

        public String getCode() {
            return code;
        }

        public void setCode(String code) {
            this.code = code;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }
    }

    final Select<String> line = new Select<>();
    final TextField code = new TextField("Code shown on the device");
    final TextField name = new TextField("Name (optional)");
    final Button addButton = new Button("Add device");
    final StatusMessage message = new StatusMessage();
    private final Twinnings twinnings;
    private final org.omatwin.portal.core.Formats formats;
    private final Binder<Form> binder = new Binder<>(Form.class);

    public AddDeviceView(CurrentSubscriber subscriber) {
        this.twinnings = subscriber.twinnings();
        this.formats = subscriber.formats();
        setMaxWidth("40rem");
        line.setLabel("Your line");
        line.setItemLabelGenerator(formats::number);
        line.setId("line");
        line.setWidthFull();
        code.setId("code");
        code.setHelperText("Six digits, valid for ten minutes");
        code.setMaxLength(6);
        code.setAllowedCharPattern("[0-9]");
        code.getElement().setAttribute("inputmode", "numeric");
        code.getElement().setAttribute("autocomplete", "one-time-code");
        name.setId("name");
        name.setHelperText("For example: My watch");
        name.setMaxLength(64);
        addButton.setId("add");
        addButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        addButton.addClickShortcut(Key.ENTER);
        addButton.addClickListener(e -> submit());

        binder.forField(line).asRequired("Please choose the line to twin the device with.")
                .bind(Form::getLine, Form::setLine);
        binder.forField(code).asRequired("Please enter the code shown on the device.")
                .withValidator(new RegexpValidator("The code has six digits.", "[0-9]{6}"))
                .bind(Form::getCode, Form::setCode);
        binder.forField(name).withValidator(new StringLengthValidator("A name has at most 64 characters.", 0, 64))
                .bind(Form::getName, Form::setName);

        com.vaadin.flow.component.details.Details help = new com.vaadin.flow.component.details.Details(
                "Where do I find the code?", new com.vaadin.flow.component.html.OrderedList(
                        new com.vaadin.flow.component.html.ListItem("On the watch, open Settings, then Mobile "
                                + "(or Phone number, or NumberSync)."),
                        new com.vaadin.flow.component.html.ListItem("Choose Share my phone's number (or Twin "
                                + "with a phone). The watch shows six digits."),
                        new com.vaadin.flow.component.html.ListItem("Enter them here within ten minutes. No "
                                + "code? Make sure the watch has a SIM or eSIM from us and is switched on.")));
        help.setId("code-help");
        // the way back at the top: confirmations appear at the bottom of the screen
        add(PortalLayout.homeLink("Back to my devices"), new H2("Add a device"), new Paragraph("On the watch or car, "
                + "choose to twin it with a phone: it shows a six-digit code. Enter that code here."), help, line, code,
                name, addButton, message);
        for (var f : List.of(code, name)) {
            f.setWidthFull();
        }
        loadLines();
    }

    /** ?line=tel:... preselects the line ("Add a device" on a line of the list). */
    @Override
    public void beforeEnter(com.vaadin.flow.router.BeforeEnterEvent event) {
        event.getLocation().getQueryParameters().getSingleParameter("line")
                .filter(l -> line.getListDataView().getItems().anyMatch(l::equals))
                .ifPresent(line::setValue);
    }

    private void loadLines() {
        try {
            List<String> lines = twinnings.lines().stream().map(Twinnings.Line::address).toList();
            line.setItems(lines);
            if (lines.size() == 1) {
                line.setValue(lines.get(0));
            }
        } catch (CoreError e) {
            message.show(e.getMessage(), true);
        }
    }

    private void submit() {
        Form form = new Form();
        if (!binder.writeBeanIfValid(form)) {
            message.show("Please correct the highlighted fields.", true);
            return;
        }
        try {
            Twinnings.Device added = twinnings.activate(form.getLine(), form.getCode(), form.getName());
            message.show(added.name() + " (" + formats.number(added.address()) + ") is now twinned with "
                    + formats.number(form.getLine()) + ".", false);
            code.clear();
            name.clear();
            code.setInvalid(false);
        } catch (CoreError e) {
            message.show(e.getMessage(), true);
            // an error about the code is shown at the code too, where the eye is
            markInvalid(e.getMessage().contains("code") ? code : e.getMessage().contains("name") ? name : null,
                    e.getMessage());
        }
    }

    /** Marks the field a refusal is about (none: the message alone). */
    private static void markInvalid(TextField field, String text) {
        if (field != null) {
            field.setErrorMessage(text);
            field.setInvalid(true);
        }
    }


    public String message() {
        return message.getText();
    }
}
